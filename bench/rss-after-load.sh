#!/usr/bin/env bash
# Benchmark: jmachine-engine's RSS idle, then after a burst of containers: CONCURRENT `docker run --rm` at once
# (default 50), then SEQUENTIAL one after another (default 200), then after SETTLE seconds of quiet (default 60, the longest keep-alive of the JDK's idle threads;
# the figure is also printed every 10 s of it). Prints VmRSS (and with NMT=1 the JVM's native memory summary,
# by category, idle and after). Bounded: those counts, each run under a 60 s timeout, then cleanup.
#   bench/rss-after-load.sh            (as root, from anywhere)
#   NMT=1 bench/rss-after-load.sh      (adds -XX:NativeMemoryTracking=summary; costs a few MiB of its own)
#   JVM_OPTS="-XX:..." bench/rss-after-load.sh   (JVM options to try on top of the launcher's)
#   SMAPS=/tmp/engine bench/rss-after-load.sh   (copies the engine's /proc/PID/smaps at each figure, to /tmp/engine.LABEL)
#   BRIDGE=jmrss1 BIP=10.213.1.0/24 bench/rss-after-load.sh   (the default bridge's name and subnet, to run beside another copy)
# Target (issue "Engine security"): RSS after the load within 10 MiB of idle; idle RSS <= 80 MiB.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/bench/lib.sh"
. "$ROOT/scripts/jdk.sh"
CONCURRENT=${CONCURRENT:-50}
SEQUENTIAL=${SEQUENTIAL:-200}
SETTLE=${SETTLE:-60}
IDLE_SETTLE=${IDLE_SETTLE:-30}
IMG=localhost/bench/busybox:1
WORK=$(mktemp -d /tmp/jm-rss.XXXXXX)
ENGINE_PID=
DOCKER=${DOCKER:-docker}
export DOCKER_HOST=unix://$WORK/engine.sock

cleanup() {
  set +e
  [ -S "$WORK/engine.sock" ] && $DOCKER ps -aq 2>/dev/null | xargs -r $DOCKER rm -f >/dev/null 2>&1
  [ -n "$ENGINE_PID" ] && kill -TERM "$ENGINE_PID" 2>/dev/null
  [ -n "$ENGINE_PID" ] && for _ in $(seq 50); do kill -0 "$ENGINE_PID" 2>/dev/null || break; sleep 0.2; done
  grep -o " $WORK[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

rss_mib() { awk '/^VmRSS:/ { printf "%.1f\n", $2 / 1024 }' "/proc/$1/status"; }
threads() { awk '/^Threads:/ { print $2 }' "/proc/$1/status"; }
# the CPU seconds the engine used so far (user + system)
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f\n", ($14 + $15) / hz }' "/proc/$1/stat"; }

# the JVM's own account (NMT=1): committed MiB per category, one "category=MiB" per word
nmt() {
  find_jdk >/dev/null 2>&1 || return 0
  "$JMACHINE_JDK/bin/jcmd" "$1" VM.native_memory summary scale=KB 2>/dev/null \
    | awk '/^-[ ]+[A-Za-z]/ { name = $2; sub(/ *\(.*/, "", name) } /committed=/ && name != "" && match($0, /committed=[0-9]+KB/) {
        v = substr($0, RSTART + 10, RLENGTH - 12); printf "%s=%.1f ", name, v / 1024; name = "" } END { print "" }'
}

# the resident set by kind: anonymous (heap, code, stacks, malloc) and file-backed (the JDK's libraries, class-data archive)
rss_kinds() { awk '/^RssAnon:/ { a = $2 } /^RssFile:/ { f = $2 } END { printf "anon %.1f, file %.1f", a / 1024, f / 1024 }' "/proc/$1/status"; }

report() { # label
  printf '%-28s RSS %6s MiB (%s), %3s threads' "$1:" "$(rss_mib "$ENGINE_PID")" "$(rss_kinds "$ENGINE_PID")" "$(threads "$ENGINE_PID")"
  [ "${NMT:-0}" = 1 ] && printf '   %s' "$(nmt "$ENGINE_PID")"
  printf '\n'
  if [ -n "${SMAPS:-}" ]; then cp "/proc/$ENGINE_PID/smaps" "$SMAPS.${1// /-}"; fi
}

# the image: the host's static busybox, as the other benchmarks make it
rootfs=$WORK/rootfs
mkdir -p "$rootfs"/{bin,etc,tmp,root,proc,sys,dev}
cp "$(command -v busybox)" "$rootfs/bin/busybox"
for applet in $("$rootfs/bin/busybox" --list); do [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"
tar -C "$rootfs" -cf "$WORK/busybox.tar" .

"$ROOT/jmachine-engine" --version >/dev/null # builds it when needed, before anything is measured
# JVM_OPTS: options to try on top of the launcher's (as JAVA_TOOL_OPTIONS, which only the engine's JVM reads)
export JAVA_TOOL_OPTIONS="${JVM_OPTS:-}"
[ "${NMT:-0}" = 1 ] && JAVA_TOOL_OPTIONS="$JAVA_TOOL_OPTIONS -XX:NativeMemoryTracking=summary"
setsid "$ROOT/jmachine-engine" -H "$DOCKER_HOST" --data-root "$WORK/data" --exec-root "$WORK/exec" \
  --bridge "${BRIDGE:-jmrss0}" --bip "${BIP:-10.197.0.0/24}" >"$WORK/engine.log" 2>&1 &
ENGINE_PID=$!
unset JAVA_TOOL_OPTIONS
wait_for_engine "$WORK/engine.sock" "$ENGINE_PID" engine || exit 1
sleep "$IDLE_SETTLE"
started=$(rss_mib "$ENGINE_PID")
report "started"
$DOCKER import "$WORK/busybox.tar" $IMG >/dev/null
$DOCKER run --rm $IMG true >/dev/null # one container before "idle": the first one loads the classes every one needs
sleep "$IDLE_SETTLE"
idle=$(rss_mib "$ENGINE_PID")
report "idle"

failed=0
t0=$SECONDS
cpu0=$(cpu_s "$ENGINE_PID")
runs=()
for i in $(seq "$CONCURRENT"); do timeout 60 $DOCKER run --rm $IMG true >/dev/null 2>&1 & runs+=($!); done
for run in "${runs[@]}"; do wait "$run" || failed=$((failed + 1)); done
report "after $CONCURRENT concurrent"
for i in $(seq "$SEQUENTIAL"); do timeout 60 $DOCKER run --rm $IMG true >/dev/null 2>&1 || failed=$((failed + 1)); done
report "after $SEQUENTIAL sequential"
say "load: $((CONCURRENT + SEQUENTIAL)) runs in $((SECONDS - t0)) s, $failed failed; engine CPU $(awk -v a="$cpu0" -v b="$(cpu_s "$ENGINE_PID")" 'BEGIN { printf "%.1f", b - a }') s"

for waited in $(seq 10 10 "$SETTLE"); do
  sleep 10
  report "settled ${waited} s"
done
[ -n "${GC_AT_END:-}" ] && { find_jdk >/dev/null 2>&1; "$JMACHINE_JDK/bin/jcmd" "$ENGINE_PID" GC.run >/dev/null; sleep 2; report "after jcmd GC.run"; }
[ -n "${THREAD_DUMP:-}" ] && { find_jdk >/dev/null 2>&1; "$JMACHINE_JDK/bin/jcmd" "$ENGINE_PID" Thread.print >"$THREAD_DUMP" 2>&1 || true; }
after=$(rss_mib "$ENGINE_PID")
left=$($DOCKER ps -aq | wc -l)
echo "started ${started} MiB, idle after one container ${idle} MiB, after the load and ${SETTLE} s ${after} MiB:" \
  "$(awk -v a="$idle" -v b="$after" 'BEGIN { printf "%+.1f", b - a }') MiB over idle ($left containers left, $failed runs failed)"
