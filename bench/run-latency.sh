#!/usr/bin/env bash
# Benchmark: the median time of `docker run --rm IMAGE true` through jmachine-engine, through the peer dockerd
# (scripts/peer-dockerd.sh; PEER=0 skips it), and of a bare `runc run` of the same root filesystem (with runc spec's default spec, and with the engine's own), interleaved; and the engine's RSS idle and
# with 50 running containers. Prints one line per figure. Bounded: RUNS runs each (default 20), then cleanup.
#   bench/run-latency.sh            (as root, from anywhere)
# Targets (issues "Engine core", 17): engine median <= 0.5x dockerd's and <= 2.5x a bare runc of the same bundle (the
# engine's spec); idle RSS <= 80 MiB.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/bench/lib.sh"
RUNS=${RUNS:-20}
CONTAINERS=${CONTAINERS:-50}
IMG=localhost/bench/busybox:1
WORK=$(mktemp -d /tmp/jm-bench.XXXXXX)
ENGINE_PID=
DOCKER=${DOCKER:-docker}

cleanup() {
  set +e
  [ -S "$WORK/engine.sock" ] && DOCKER_HOST=unix://$WORK/engine.sock $DOCKER ps -aq 2>/dev/null | xargs -r env DOCKER_HOST=unix://$WORK/engine.sock $DOCKER rm -f >/dev/null 2>&1
  if [ -n "$ENGINE_PID" ]; then
    kill -TERM "$ENGINE_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$ENGINE_PID" 2>/dev/null || break; sleep 0.2; done
  fi
  runc --root "$WORK/runc" delete -f bench-runc >/dev/null 2>&1
  runc --root "$WORK/runc" delete -f bench-runc-spec >/dev/null 2>&1
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


# the bare runc bundle: the same root filesystem, runc's default spec running `true`
bundle=$WORK/bundle
mkdir -p "$bundle"
(cd "$bundle" && runc spec)
sed -i -e 's/"terminal": true/"terminal": false/' -e 's/"sh"$/"true"/' "$bundle/config.json"
sed -i "s|\"path\": \"rootfs\"|\"path\": \"$rootfs\"|" "$bundle/config.json"
run_runc() { runc --root "$WORK/runc" run --bundle "$bundle" bench-runc </dev/null; }
run_on() { DOCKER_HOST=unix://$1 $DOCKER run --rm $IMG true; }
# the engine's own spec for the same root (its seccomp profile, masked paths, cgroup limits), taken from a running
# container's bundle, for a bare runc that does what the engine asks of it (runc spec has no seccomp profile)
engine_spec_bundle() { # CONTAINER_ID
  mkdir -p "$WORK/engine-spec"
  python3 - "$WORK/engine-exec/bundles/$1/config.json" "$WORK/engine-spec/config.json" "$rootfs" "$WORK" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
spec["root"] = {"path": sys.argv[3]}
spec["process"]["args"], spec["process"]["terminal"] = ["true"], False
spec["mounts"] = [m for m in spec["mounts"] if not m.get("source", "").startswith(sys.argv[4])]  # the container's files
for namespace in spec["linux"]["namespaces"]:
    namespace.pop("path", None)  # a new network namespace, as runc spec's
spec["linux"].pop("cgroupsPath", None)
json.dump(spec, open(sys.argv[2], "w"))
PY
}
run_runc_spec() { runc --root "$WORK/runc" run --bundle "$WORK/engine-spec" bench-runc-spec </dev/null; }

echo "== jmachine-engine"
"$ROOT/jmachine-engine" --version >/dev/null # builds it when needed, outside the timing
# ENGINE_JVM_OPTIONS (e.g. a JFR recording) reach the engine's JVM through JDK_JAVA_OPTIONS
setsid env JDK_JAVA_OPTIONS="${ENGINE_JVM_OPTIONS:-}" "$ROOT/jmachine-engine" -H "unix://$WORK/engine.sock" \
  --data-root "$WORK/engine-data" --exec-root "$WORK/engine-exec" \
  --bridge jmbench0 --bip 10.198.0.0/24 >"$WORK/engine.log" 2>&1 &
ENGINE_PID=$!
wait_for_engine "$WORK/engine.sock" "$ENGINE_PID" engine || exit 1
# idle: quiet for longer than the engine waits before it gives memory back (IdleMemory.QUIET, 10 s)
sleep 12
idle_rss=$(rss_mib $ENGINE_PID)
DOCKER_HOST=unix://$WORK/engine.sock $DOCKER import "$WORK/busybox.tar" $IMG >/dev/null

# dockerd: the peer (scripts/peer-dockerd.sh), or DOCKERD_HOST; none when PEER=0
dockerd_sock=
if [ "${PEER:-1}" != 0 ]; then
  dockerd_host=${DOCKERD_HOST:-$("$ROOT/scripts/peer-dockerd.sh" start)}
  dockerd_sock=${dockerd_host#unix://}
  echo "== dockerd ($(DOCKER_HOST=$dockerd_host $DOCKER version --format '{{.Server.Version}}'), $dockerd_host)"
  DOCKER_HOST=$dockerd_host $DOCKER import "$WORK/busybox.tar" $IMG >/dev/null
fi

spec_id=$(DOCKER_HOST=unix://$WORK/engine.sock $DOCKER run -d $IMG sleep 600)
engine_spec_bundle "$spec_id"
DOCKER_HOST=unix://$WORK/engine.sock $DOCKER rm -f "$spec_id" >/dev/null

# warm-up, then RUNS rounds, each timing the engine, dockerd and bare runc in turn, so that the host's load
# falls on all three alike
for i in 1 2 3; do
  run_on "$WORK/engine.sock" >/dev/null 2>&1
  [ -n "$dockerd_sock" ] && run_on "$dockerd_sock" >/dev/null 2>&1
  run_runc >/dev/null 2>&1
  run_runc_spec >/dev/null 2>&1
done
: >"$WORK/engine.ms"; : >"$WORK/dockerd.ms"; : >"$WORK/runc.ms"; : >"$WORK/runc-spec.ms"
for i in $(seq "$RUNS"); do
  time_ms run_on "$WORK/engine.sock" >>"$WORK/engine.ms"
  [ -n "$dockerd_sock" ] && time_ms run_on "$dockerd_sock" >>"$WORK/dockerd.ms"
  time_ms run_runc >>"$WORK/runc.ms"
  time_ms run_runc_spec >>"$WORK/runc-spec.ms"
done
engine_ms=$(median <"$WORK/engine.ms")
runc_ms=$(median <"$WORK/runc.ms")
runc_spec_ms=$(median <"$WORK/runc-spec.ms")
echo "jmachine-engine: docker run --rm true median ${engine_ms} ms over $RUNS runs"
dockerd_ms=
if [ -n "$dockerd_sock" ]; then
  dockerd_ms=$(median <"$WORK/dockerd.ms")
  echo "dockerd: docker run --rm true median ${dockerd_ms} ms over $RUNS runs"
fi
echo "bare runc: runc run true median ${runc_ms} ms over $RUNS runs"
echo "bare runc, the engine's spec: runc run true median ${runc_spec_ms} ms over $RUNS runs"

export DOCKER_HOST=unix://$WORK/engine.sock
for i in $(seq "$CONTAINERS"); do $DOCKER run -d --name "bench$i" $IMG sleep 600 >/dev/null; done
sleep 12
busy_rss=$(rss_mib $ENGINE_PID)
$DOCKER ps -aq | xargs -r $DOCKER rm -f >/dev/null
echo "jmachine-engine: RSS idle ${idle_rss} MiB, with $CONTAINERS running containers ${busy_rss} MiB"

echo "== summary"
# the target compares with a bare runc of the same bundle (issue 17): the engine's spec; runc spec's default (no
# seccomp profile, no masked paths) is printed beside it
awk -v e="$engine_ms" -v r="$runc_spec_ms" 'BEGIN { printf "engine / bare runc, the same bundle: %.2fx (target <= 2.5x)\n", e / r }'
awk -v e="$engine_ms" -v r="$runc_ms" 'BEGIN { printf "engine / bare runc, runc spec'"'"'s default: %.2fx\n", e / r }'
[ -n "$dockerd_ms" ] && awk -v e="$engine_ms" -v d="$dockerd_ms" 'BEGIN { printf "engine / dockerd:   %.2fx (target <= 0.5x)\n", e / d }'
echo "engine idle RSS:    ${idle_rss} MiB (target <= 80 MiB)"
echo "engine RSS, $CONTAINERS running: ${busy_rss} MiB (target <= 110 MiB)"
