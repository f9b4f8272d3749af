#!/usr/bin/env bash
# Pull-and-unpack time of a large image from a loopback registry: jmachine-engine next to dockerd.
#
# Builds a multi-layer image of random data (from /dev/urandom, so gzip cannot shrink it) with umoci, pushes it
# with skopeo to a Debian docker-registry on 127.0.0.1, then times `docker pull` against each engine ROUNDS
# times, removing the image between rounds, and prints each round and the median. No timed assertion.
#
# Run from the project root, as root:   bench/pull.sh
# Environment: LAYERS (default 4), LAYER_MB (default 64: 4 x 64 MiB = 256 MiB), ROUNDS (default 3),
#              PORT (registry, default 28390), JM_NET / DK_NET (the engines' bridge /24s, default 10.231.9
#              and 10.231.10), KEEP=1 keeps the work directory. dockerd is optional.
# Needs: docker-registry, umoci, skopeo, busybox-static.
set -u
LAYERS=${LAYERS:-4}
LAYER_MB=${LAYER_MB:-64}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-28390}
JM_NET=${JM_NET:-10.231.9}
DK_NET=${DK_NET:-10.231.10}
DOCKER=${DOCKER:-docker}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
WORK=$(mktemp -d /tmp/jm-pull-bench.XXXXXX)
REG=127.0.0.1:$PORT
IMG=$REG/bench/random:1
JM_PID= DK_PID= REG_PID= DK_BRIDGE_MADE=

stop() { # SIGTERM, then SIGKILL after 20 s, for a process this script started (and its process group)
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill -TERM -- -"$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
  for i in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL -- -"$pid" 2>/dev/null
}

cleanup() {
  stop "$JM_PID"
  stop "$DK_PID"
  stop "$REG_PID"
  [ -n "$DK_BRIDGE_MADE" ] && ip link del jmbench-dkp 2>/dev/null
  ip link del jmbench-jmp 2>/dev/null
  grep -o " $WORK[^ ]*" /proc/mounts 2>/dev/null | sort -r | xargs -r -n1 umount -l 2>/dev/null
  [ "${KEEP:-0}" = 1 ] && say "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM


make_image() {
  local layout=$WORK/oci/layout bundle=$WORK/oci/bundle i
  umoci init --layout "$layout" && umoci new --image "$layout:big" && umoci unpack --image "$layout:big" "$bundle" || return 1
  mkdir -p "$bundle/rootfs/bin" && cp "$(command -v busybox)" "$bundle/rootfs/bin/busybox" || return 1
  for i in $(seq 1 "$LAYERS"); do
    head -c $((LAYER_MB * 1024 * 1024)) /dev/urandom >"$bundle/rootfs/random-$i" || return 1
    umoci repack --image "$layout:big" "$bundle" || return 1
  done
  umoci config --image "$layout:big" --config.cmd=/bin/busybox --config.cmd=true >/dev/null &&
    skopeo copy --dest-tls-verify=false "oci:$layout:big" "docker://$IMG" >/dev/null
}

# measure NAME SOCKET: prints one time in seconds per round on stdout
measure() {
  local name=$1 r start end
  export DOCKER_HOST=unix://$2
  for r in $(seq 1 "$ROUNDS"); do
    $DOCKER rmi -f "$IMG" >/dev/null 2>&1
    sync # what the last round wrote is on disk before the clock starts
    start=$(date +%s.%N)
    timeout 600 $DOCKER pull "$IMG" >/dev/null || { say "$name: pull failed"; return 1; }
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f\n", e - s }'
  done
  $DOCKER rmi -f "$IMG" >/dev/null 2>&1
}


for tool in docker-registry umoci skopeo busybox; do
  command -v $tool >/dev/null || { say "$tool is missing: apt-get install it"; exit 1; }
done
mkdir -p "$WORK/registry"
printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: %s\n' "$WORK/registry" "$REG" >"$WORK/registry.yml"
setsid docker-registry serve "$WORK/registry.yml" >"$WORK/registry.log" 2>&1 &
REG_PID=$!
deadline=$((SECONDS + 30))
until curl -fsS "http://$REG/v2/" >/dev/null 2>&1; do
  [ $SECONDS -ge $deadline ] && { say "the registry did not start"; tail -n 5 "$WORK/registry.log" >&2; exit 1; }
  sleep 0.2
done
say "building a $LAYERS x $LAYER_MB MiB image of random data in $WORK"
make_image >"$WORK/make.log" 2>&1 || { say "making the image failed:"; tail -n 10 "$WORK/make.log" >&2; exit 1; }
say "pushed $IMG: $(du -sm "$WORK/registry" | cut -f1) MB in the registry"

say "starting jmachine-engine"
setsid "$ROOT/jmachine-engine" -H "unix://$WORK/jm.sock" --data-root "$WORK/jm-data" --exec-root "$WORK/jm-exec" \
  --pidfile "$WORK/jm.pid" --bridge jmbench-jmp --bip "$JM_NET.0/24" >"$WORK/jmachine-engine.log" 2>&1 &
JM_PID=$!
wait_for_engine "$WORK/jm.sock" "$JM_PID" jmachine-engine || exit 1
JM=$(measure jmachine-engine "$WORK/jm.sock") || { say "jmachine-engine: measurement failed"; tail -n 20 "$WORK/jmachine-engine.log" >&2; exit 1; }
stop "$JM_PID"; JM_PID=

DK="n/a"
if command -v dockerd >/dev/null; then
  say "starting dockerd ($(dockerd --version))"
  ip link show jmbench-dkp >/dev/null 2>&1 || DK_BRIDGE_MADE=1
  ip link add jmbench-dkp type bridge 2>/dev/null
  ip addr add "$DK_NET.1/24" dev jmbench-dkp 2>/dev/null; ip link set jmbench-dkp up
  setsid dockerd --data-root "$WORK/dk-data" --exec-root "$WORK/dk-exec" --pidfile "$WORK/dk.pid" -H "unix://$WORK/dk.sock" \
    --bridge jmbench-dkp --fixed-cidr "$DK_NET.0/24" --iptables=false --ip-masq=false >"$WORK/dockerd.log" 2>&1 &
  DK_PID=$!
  if wait_for_engine "$WORK/dk.sock" "$DK_PID" dockerd; then
    DK=$(measure dockerd "$WORK/dk.sock") || { say "dockerd: measurement failed"; DK="n/a"; }
  fi
else
  say "dockerd is not installed: measuring jmachine-engine only"
fi

printf '%-8s %16s %16s\n' round "jmachine-engine" "dockerd"
paste <(printf '%s\n' $JM) <(printf '%s\n' $DK) | awk '{ printf "%-8s %14s s %14s%s\n", NR, $1, $2, ($2 == "n/a" || $2 == "") ? "" : " s" }'
JM_MED=$(printf '%s\n' $JM | median)
DK_MED=$(printf '%s\n' $DK | grep -v n/a | median)
printf '%-8s %14s s %14s%s\n' median "$JM_MED" "$DK_MED" "$([ "$DK_MED" = n/a ] || echo ' s')"
[ "$DK_MED" != n/a ] && awk -v j="$JM_MED" -v d="$DK_MED" 'BEGIN { printf "jmachine-engine / dockerd = %.2f (target <= 0.67)\n", j / d }'
exit 0
