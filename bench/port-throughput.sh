#!/usr/bin/env bash
# Throughput of a published port: jmachine-engine's userland proxy next to dockerd's docker-proxy.
#
# In each engine a busybox container serves a file from its /dev/shm (busybox httpd, sendfile) on port
# 80, published on 127.0.0.1; the host downloads it with curl through the published port, so the bytes
# cross the engine's proxy and the container's bridge. Prints MB/s (10^6 bytes) per engine and round.
#
# Run from the project root, as root:   bench/port-throughput.sh
# Environment: SIZE_MB (default 1024), ROUNDS (default 3), PORT (default 28380, dockerd uses PORT+1),
#              JM_NET / DK_NET (the two bridges' /24s, default 10.231.7 and 10.231.8; they must not be
#              routed on this host already), KEEP=1 keeps the work directory. dockerd is optional: without it only jmachine-engine runs.
# dockerd runs with its own roots, socket and bridge, and with --iptables=false: traffic from 127.0.0.1
# always goes through docker-proxy (its NAT rules skip loopback), so the rules would change nothing here
# but would change this host's firewall.
set -u
SIZE_MB=${SIZE_MB:-1024}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-28380}
JM_NET=${JM_NET:-10.231.7}
DK_NET=${DK_NET:-10.231.8}
DOCKER=${DOCKER:-docker}
export DOCKER_BUILDKIT=0
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
WORK=$(mktemp -d /tmp/jm-port-bench.XXXXXX)
IMG=localhost/bench/busybox:1
JM_PID= DK_PID= DK_BRIDGE_MADE=

cleanup() {
  for sock in "$WORK/jm.sock" "$WORK/dk.sock"; do
    [ -S "$sock" ] && DOCKER_HOST=unix://$sock timeout 60 $DOCKER rm -f bench >/dev/null 2>&1
  done
  stop "$JM_PID"
  stop "$DK_PID"
  [ -n "$DK_BRIDGE_MADE" ] && ip link del jmbench-dk 2>/dev/null
  ip link del jmbench-jm 2>/dev/null
  grep -o " $WORK[^ ]*" /proc/mounts 2>/dev/null | sort -r | xargs -r -n1 umount -l 2>/dev/null
  [ "${KEEP:-0}" = 1 ] && say "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# SIGTERM, then SIGKILL after 20 s, for a process this script started (and its process group)
stop() {
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill -TERM -- -"$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
  for i in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL -- -"$pid" 2>/dev/null
}



# run_engine NAME SOCKET HOSTPORT: prints one MB/s figure per round on stdout
measure() {
  local name=$1 sock=$2 port=$3 r bytes secs
  export DOCKER_HOST=unix://$sock
  timeout 120 $DOCKER import "$WORK/busybox.tar" $IMG >/dev/null || { say "$name: import failed"; return 1; }
  timeout 120 $DOCKER run -d --name bench --shm-size $((SIZE_MB + 64))m -p 127.0.0.1:$port:80 $IMG \
    sh -c "dd if=/dev/zero of=/dev/shm/blob bs=1M count=$SIZE_MB 2>/dev/null && exec httpd -f -p 80 -h /dev/shm" >/dev/null \
    || { say "$name: the server container did not start"; return 1; }
  local deadline=$((SECONDS + 120))
  until curl -fsS --max-time 2 -o /dev/null -r 0-0 "http://127.0.0.1:$port/blob" 2>/dev/null; do
    [ $SECONDS -ge $deadline ] && { say "$name: the published port did not serve in 120 s"; return 1; }
    sleep 0.5
  done
  for r in $(seq 1 "$ROUNDS"); do
    read -r bytes secs < <(curl -fsS --max-time 300 -o /dev/null -w '%{size_download} %{time_total}\n' "http://127.0.0.1:$port/blob")
    if [ "${bytes:-0}" != $((SIZE_MB * 1024 * 1024)) ]; then say "$name: round $r got ${bytes:-0} bytes"; return 1; fi
    awk -v b="$bytes" -v s="$secs" 'BEGIN { printf "%.0f\n", b / s / 1e6 }'
  done
  timeout 60 $DOCKER rm -f bench >/dev/null
}

for net in "$JM_NET" "$DK_NET"; do
  if ip route | grep -q "^$net\.0/24 "; then
    say "$net.0/24 is already routed on this host ($(ip route | grep "^$net\.0/24 " | head -n 1)): choose free ones with JM_NET/DK_NET"
    exit 1
  fi
done
busybox_tar || exit 1
say "work directory $WORK; $SIZE_MB MiB x $ROUNDS rounds per engine"

say "starting jmachine-engine"
setsid "$ROOT/jmachine-engine" -H "unix://$WORK/jm.sock" --data-root "$WORK/jm-data" --exec-root "$WORK/jm-exec" \
  --pidfile "$WORK/jm.pid" --bridge jmbench-jm --bip "$JM_NET.0/24" >"$WORK/jmachine-engine.log" 2>&1 &
JM_PID=$!
wait_for_engine "$WORK/jm.sock" "$JM_PID" jmachine-engine || exit 1
JM=$(measure jmachine-engine "$WORK/jm.sock" "$PORT") || { say "jmachine-engine: measurement failed"; exit 1; }
stop "$JM_PID"; JM_PID=

DK="n/a"
if command -v dockerd >/dev/null; then
  say "starting dockerd ($(dockerd --version))"
  ip link show jmbench-dk >/dev/null 2>&1 || DK_BRIDGE_MADE=1
  ip link add jmbench-dk type bridge 2>/dev/null
  ip addr add "$DK_NET.1/24" dev jmbench-dk 2>/dev/null; ip link set jmbench-dk up
  setsid dockerd --data-root "$WORK/dk-data" --exec-root "$WORK/dk-exec" --pidfile "$WORK/dk.pid" -H "unix://$WORK/dk.sock" \
    --bridge jmbench-dk --fixed-cidr "$DK_NET.0/24" --iptables=false --ip-masq=false --userland-proxy=true \
    >"$WORK/dockerd.log" 2>&1 &
  DK_PID=$!
  if wait_for_engine "$WORK/dk.sock" "$DK_PID" dockerd; then
    DK=$(measure dockerd "$WORK/dk.sock" $((PORT + 1))) || { say "dockerd: measurement failed"; DK="n/a"; }
  fi
else
  say "dockerd is not installed: measuring jmachine-engine only"
fi

printf '%-8s %18s %18s\n' round "jmachine-engine" "dockerd"
paste <(printf '%s\n' $JM) <(printf '%s\n' $DK) | awk -v n="$ROUNDS" '{ printf "%-8s %13s MB/s %13s%s\n", NR, $1, $2, ($2 == "n/a" || $2 == "") ? "" : " MB/s" }'
