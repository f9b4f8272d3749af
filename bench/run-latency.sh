#!/usr/bin/env bash
# Benchmark: the median time of `docker run --rm IMAGE true` through jmachine-engine, through a real dockerd
# when one is installed, and of a bare `runc run` of the same root filesystem; and the engine's RSS idle and
# with 50 running containers. Prints one line per figure. Bounded: RUNS runs each (default 20), then cleanup.
#   bench/run-latency.sh            (as root, from anywhere)
# Targets (issue "Engine core"): engine median <= 0.5x dockerd's and <= 2.5x bare runc; idle RSS <= 80 MiB.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/bench/lib.sh"
RUNS=${RUNS:-20}
CONTAINERS=${CONTAINERS:-50}
IMG=localhost/bench/busybox:1
WORK=$(mktemp -d /tmp/jm-bench.XXXXXX)
ENGINE_PID= DOCKERD_PID=
DOCKER=${DOCKER:-docker}

cleanup() {
  set +e
  for sock in "$WORK/engine.sock" "$WORK/dockerd.sock"; do
    [ -S "$sock" ] && DOCKER_HOST=unix://$sock $DOCKER ps -aq 2>/dev/null | xargs -r env DOCKER_HOST=unix://$sock $DOCKER rm -f >/dev/null 2>&1
  done
  for pid in $ENGINE_PID $DOCKERD_PID; do kill -TERM "$pid" 2>/dev/null; done
  for pid in $ENGINE_PID $DOCKERD_PID; do for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done; done
  runc --root "$WORK/runc" delete -f bench-runc >/dev/null 2>&1
  grep -o " $WORK[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

# median of the numbers on stdin (milliseconds)
rss_mib() { awk '/^VmRSS:/ { printf "%.1f\n", $2 / 1024 }' "/proc/$1/status"; }

# the image: the host's static busybox, as the acceptance scenarios make it
rootfs=$WORK/rootfs
mkdir -p "$rootfs"/{bin,etc,tmp,root,proc,sys,dev}
cp "$(command -v busybox)" "$rootfs/bin/busybox"
for applet in $("$rootfs/bin/busybox" --list); do [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"
tar -C "$rootfs" -cf "$WORK/busybox.tar" .


measure_engine() { # label socket
  local label=$1 sock=$2 i
  export DOCKER_HOST=unix://$sock
  $DOCKER import "$WORK/busybox.tar" $IMG >/dev/null
  for i in 1 2 3; do $DOCKER run --rm $IMG true >/dev/null; done
  local m; m=$(for i in $(seq "$RUNS"); do time_ms $DOCKER run --rm $IMG true; done | median)
  echo "$m"
}

echo "== jmachine-engine"
"$ROOT/jmachine-engine" --version >/dev/null # builds it when needed, outside the timing
setsid "$ROOT/jmachine-engine" -H "unix://$WORK/engine.sock" --data-root "$WORK/engine-data" --exec-root "$WORK/engine-exec" \
  --bridge jmbench0 --bip 10.198.0.0/24 >"$WORK/engine.log" 2>&1 &
ENGINE_PID=$!
wait_for_engine "$WORK/engine.sock" "$ENGINE_PID" engine || exit 1
sleep 2
idle_rss=$(rss_mib $ENGINE_PID)
engine_ms=$(measure_engine jmachine-engine "$WORK/engine.sock")
echo "jmachine-engine: docker run --rm true median ${engine_ms} ms over $RUNS runs"

export DOCKER_HOST=unix://$WORK/engine.sock
for i in $(seq "$CONTAINERS"); do $DOCKER run -d --name "bench$i" $IMG sleep 600 >/dev/null; done
busy_rss=$(rss_mib $ENGINE_PID)
$DOCKER ps -aq | xargs -r $DOCKER rm -f >/dev/null
echo "jmachine-engine: RSS idle ${idle_rss} MiB, with $CONTAINERS running containers ${busy_rss} MiB"

dockerd_ms=
if command -v dockerd >/dev/null; then
  echo "== dockerd ($(dockerd --version))"
  setsid dockerd --data-root "$WORK/dockerd-data" --exec-root "$WORK/dockerd-exec" --pidfile "$WORK/dockerd.pid" \
    -H "unix://$WORK/dockerd.sock" --bip 10.199.0.1/24 >"$WORK/dockerd.log" 2>&1 &
  DOCKERD_PID=$!
  if wait_for_engine "$WORK/dockerd.sock" "$DOCKERD_PID" dockerd; then
    dockerd_ms=$(measure_engine dockerd "$WORK/dockerd.sock")
    echo "dockerd: docker run --rm true median ${dockerd_ms} ms over $RUNS runs"
  else
    echo "dockerd did not start (its log is above)"
  fi
fi

echo "== bare runc"
bundle=$WORK/bundle
mkdir -p "$bundle"
(cd "$bundle" && runc spec)
sed -i -e 's/"terminal": true/"terminal": false/' -e 's/"sh"$/"true"/' "$bundle/config.json"
sed -i "s|\"path\": \"rootfs\"|\"path\": \"$rootfs\"|" "$bundle/config.json"
for i in 1 2 3; do runc --root "$WORK/runc" run --bundle "$bundle" bench-runc >/dev/null 2>&1 </dev/null; done
runc_ms=$(for i in $(seq "$RUNS"); do time_ms runc --root "$WORK/runc" run --bundle "$bundle" bench-runc </dev/null; done | median)
echo "bare runc: runc run true median ${runc_ms} ms over $RUNS runs"

echo "== summary"
awk -v e="$engine_ms" -v r="$runc_ms" 'BEGIN { printf "engine / bare runc: %.2fx (target <= 2.5x)\n", e / r }'
[ -n "$dockerd_ms" ] && awk -v e="$engine_ms" -v d="$dockerd_ms" 'BEGIN { printf "engine / dockerd:   %.2fx (target <= 0.5x)\n", e / d }'
echo "engine idle RSS:    ${idle_rss} MiB (target <= 80 MiB)"
