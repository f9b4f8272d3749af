#!/usr/bin/env bash
# Soak: CYCLES `docker run --rm` cycles (default 1000), then PORT_CYCLES (default 200) with a published port and a
# named volume, through one jmachine-engine; the engine's open fds, mounts under its data root, network namespaces,
# veths on its bridge, its cgroups and RSS, before and after. Bounded in count; stops by itself; cleans up.
#   bench/soak.sh                (as root, from anywhere)
# Passes when no count grows by more than SLACK (default 2) and RSS by no more than RSS_SLACK_MIB (default 16):
# what an idle engine holds may move by a buffer or two, a leak grows with the cycles.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/bench/lib.sh"
CYCLES=${CYCLES:-1000}
PORT_CYCLES=${PORT_CYCLES:-200}
SLACK=${SLACK:-2}
RSS_SLACK_MIB=${RSS_SLACK_MIB:-16}
IMG=localhost/soak/busybox:1
BRIDGE=jmsoak0
SUBNET=${SUBNET:-10.197.0.0/24}
WORK=$(mktemp -d /tmp/jm-soak.XXXXXX)
ENGINE_PID=
DOCKER=${DOCKER:-docker}

cleanup() {
  set +e
  [ -S "$WORK/engine.sock" ] && DOCKER_HOST=unix://$WORK/engine.sock $DOCKER ps -aq 2>/dev/null \
    | xargs -r env DOCKER_HOST=unix://$WORK/engine.sock $DOCKER rm -f >/dev/null 2>&1
  [ -n "$ENGINE_PID" ] && kill -TERM "$ENGINE_PID" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$ENGINE_PID" 2>/dev/null || break; sleep 0.2; done
  grep -o " $WORK[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
  ip link delete "$BRIDGE" type bridge 2>/dev/null
  # and the engine's masquerade rule, which lives with its bridge
  iptables -w -t nat -S POSTROUTING | grep -F "jmachine-engine $BRIDGE\"" | sed 's/^-A /-D /' | xargs -r -L1 iptables -w -t nat
  rm -rf "$WORK"
}
trap cleanup EXIT

rootfs=$WORK/rootfs
mkdir -p "$rootfs"/{bin,etc,tmp,root,proc,sys,dev}
cp "$(command -v busybox)" "$rootfs/bin/busybox"
for applet in $("$rootfs/bin/busybox" --list); do [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"
tar -C "$rootfs" -cf "$WORK/busybox.tar" .

"$ROOT/jmachine-engine" --version >/dev/null # builds it when needed
setsid "$ROOT/jmachine-engine" -H "unix://$WORK/engine.sock" --data-root "$WORK/data" --exec-root "$WORK/exec" \
  --bridge "$BRIDGE" --bip "$SUBNET" >"$WORK/engine.log" 2>&1 &
ENGINE_PID=$!
wait_for_engine "$WORK/engine.sock" "$ENGINE_PID" engine || exit 1
[ -s "$WORK/exec/jmachine-engine.pid" ] && ENGINE_PID=$(cat "$WORK/exec/jmachine-engine.pid")
export DOCKER_HOST=unix://$WORK/engine.sock
$DOCKER import "$WORK/busybox.tar" $IMG >/dev/null
for _ in 1 2 3; do $DOCKER run --rm $IMG true >/dev/null; done # warm: first bridge, first namespace, class loading

# the figures, one "name value" a line
figures() {
  echo "fds $(ls /proc/$ENGINE_PID/fd | wc -l)"
  echo "mounts $(grep -c " $WORK/" /proc/mounts || true)"
  echo "netns $(ip netns list 2>/dev/null | wc -l)"
  echo "veths $(ls /sys/class/net/$BRIDGE/brif 2>/dev/null | wc -l)"
  echo "cgroups $(find /sys/fs/cgroup -mindepth 1 -type d -name '*jmachine*' 2>/dev/null | wc -l)"
  echo "threads $(awk '/^Threads:/ {print $2}' /proc/$ENGINE_PID/status)"
  echo "rss_mib $(rss_mib $ENGINE_PID)"
}

rss_mib() { awk '/^VmRSS:/ { printf "%.1f\n", $2 / 1024 }' "/proc/$1/status"; }
settle() { sleep 3; } # the cleanup queue behind `rm` drains in the background
settle
figures >"$WORK/before"

t0=$SECONDS
for i in $(seq "$CYCLES"); do
  $DOCKER run --rm $IMG true >/dev/null
done
say "$CYCLES run --rm cycles in $((SECONDS - t0)) s"
port=$(free_port)
t0=$SECONDS
for i in $(seq "$PORT_CYCLES"); do
  $DOCKER run -d --name soak -p "127.0.0.1:$port:80" -v soakdata:/data $IMG sh -c 'echo x >/data/x; sleep 60' >/dev/null
  $DOCKER rm -f soak >/dev/null
done
$DOCKER volume rm soakdata >/dev/null
say "$PORT_CYCLES cycles with a published port and a named volume in $((SECONDS - t0)) s"
settle
figures >"$WORK/after"

failed=0
while read -r name before; do
  after=$(awk -v n="$name" '$1 == n { print $2 }' "$WORK/after")
  limit=$SLACK; [ "$name" = rss_mib ] && limit=$RSS_SLACK_MIB
  [ "$name" = threads ] && limit=8 # virtual threads' carriers and the JVM's own come and go
  verdict=ok
  if awk -v a="$after" -v b="$before" -v l="$limit" 'BEGIN { exit !(a - b > l) }'; then verdict=GREW; failed=1; fi
  printf '%-8s before %-8s after %-8s (limit +%s) %s\n' "$name" "$before" "$after" "$limit" "$verdict"
done <"$WORK/before"
exit $failed
