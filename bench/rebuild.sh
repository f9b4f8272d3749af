#!/usr/bin/env bash
# Benchmark: `docker build` of a 10-step Dockerfile through jmachine-engine when every step is cached. Starts an
# engine on its own roots, builds once (not timed), then prints the median wall time of RUNS fully cached
# rebuilds, the docker CLI end to end (legacy builder, DOCKER_BUILDKIT=0). Prints figures; asserts nothing.
#   bench/rebuild.sh            (as root, from anywhere)
# Target (issue "Dockerfile builds"): median <= 300 ms.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/bench/lib.sh"
RUNS=${RUNS:-10}
WORK=$(mktemp -d /tmp/jm-bench-build.XXXXXX)
ENGINE_PID=
DOCKER=${DOCKER:-docker}
export DOCKER_BUILDKIT=0 DOCKER_HOST=unix://$WORK/engine.sock

cleanup() {
  set +e
  $DOCKER ps -aq 2>/dev/null | xargs -r $DOCKER rm -f >/dev/null 2>&1
  [ -n "$ENGINE_PID" ] && kill -TERM "$ENGINE_PID" 2>/dev/null
  for _ in $(seq 50); do [ -n "$ENGINE_PID" ] && kill -0 "$ENGINE_PID" 2>/dev/null || break; sleep 0.2; done
  grep -o " $WORK[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT


rootfs=$WORK/rootfs
mkdir -p "$rootfs"/{bin,etc,tmp,root,proc,sys,dev}
cp "$(command -v busybox)" "$rootfs/bin/busybox"
for applet in $("$rootfs/bin/busybox" --list); do [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"
tar -C "$rootfs" -cf "$WORK/busybox.tar" .

ctx=$WORK/ctx
mkdir -p "$ctx/src"
for i in 1 2 3 4 5; do echo "file $i" >"$ctx/src/f$i.txt"; done
cat >"$ctx/Dockerfile" <<'DOCKERFILE'
FROM localhost/bench/busybox:1
ARG VERSION=1
ENV APP=/app
WORKDIR /app
COPY src/ ./src/
RUN echo "built $VERSION" > /app/built.txt
RUN ls /app/src > /app/list.txt
LABEL org.example.bench=rebuild
EXPOSE 8080
CMD ["cat", "/app/built.txt"]
DOCKERFILE

"$ROOT/jmachine-engine" --version >/dev/null # builds it when needed, outside the timing
setsid "$ROOT/jmachine-engine" -H "$DOCKER_HOST" --data-root "$WORK/data" --exec-root "$WORK/exec" \
  --bridge jmbench1 --bip 10.197.0.0/24 >"$WORK/engine.log" 2>&1 &
ENGINE_PID=$!
for _ in $(seq 300); do $DOCKER version >/dev/null 2>&1 && break; sleep 0.2; done
$DOCKER import "$WORK/busybox.tar" localhost/bench/busybox:1 >/dev/null

t0=$(now_ms)
$DOCKER build -t localhost/bench/app:1 "$ctx" >/dev/null 2>&1
t1=$(now_ms)
echo "first build (10 steps, 2 RUN): $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') ms"
cached=$($DOCKER build -t localhost/bench/app:1 "$ctx" 2>/dev/null | grep -c 'Using cache' || true)
echo "a rebuild reuses $cached of 9 steps"
times=$(for _ in $(seq "$RUNS"); do
  a=$(now_ms); $DOCKER build -t localhost/bench/app:1 "$ctx" >/dev/null 2>&1 || { echo "a rebuild failed" >&2; exit 1; }; b=$(now_ms)
  awk -v a="$a" -v b="$b" 'BEGIN { printf "%.1f\n", b - a }'
done)
echo "cached rebuild: median $(echo "$times" | median) ms over $RUNS runs (target <= 300 ms); all: $(echo $times)"
