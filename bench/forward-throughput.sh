#!/usr/bin/env bash
# Ports published by containers in a kvm machine (user-mode networking), reached at its IP (127.0.0.1) through the
# forwards jmachine's forward agent adds with QEMU's hostfwd_add, against the other ways there are:
#   latency     from `docker run -d -p P:80` returning to the port answering on the host (and from `docker rm -f`
#               returning to it no longer answering), ROUNDS times; beside it, a port forwarded at create
#               (--kvm-port-forward) answering once its container is up, which is the floor
#   throughput  a SIZE_MB file from the container's /dev/shm (busybox httpd) downloaded with curl through: the agent's
#               forward, a --kvm-port-forward one (the same QEMU mechanism, set at create), and `jmachine ssh -N -L`
# Prints medians; no timed assertions. As root, from the project root, holding the VM lock:
#   flock /tmp/jmachine-vm.lock bench/forward-throughput.sh
# Environment: ROUNDS (5), SIZE_MB (64), PORT (28390: the agent's; PORT+1 is forwarded at create, PORT+2 for ssh -L),
#              MACHINE (use this machine; made with --kvm-port-forward $((PORT+1)):$((PORT+1)) for the floor figures).
set -u
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/bench/lib.sh"
. "$ROOT/bench/machine-lib.sh"
ROUNDS=${ROUNDS:-5}
SIZE_MB=${SIZE_MB:-64}
PORT=${PORT:-28390}
WORK=$(mktemp -d /tmp/jm-forward-bench.XXXXXX)
SSH_PID=
cleanup() {
  [ -n "$SSH_PID" ] && kill "$SSH_PID" 2>/dev/null
  docker rm -f lat fixed blob >/dev/null 2>&1
  machine_down
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

EXTRA_CREATE_ARGS="--kvm-port-forward $((PORT + 1)):$((PORT + 1)) --kvm-mount none"
machine_up || exit 1
import_busybox || exit 1
IP=$("$JM" ip "$MACHINE")
HTTPD='mkdir -p /www && echo up > /www/index.html && exec httpd -f -p 80 -h /www'

# ms from now until CMD succeeds (polling every 50 ms, up to 60 s)
until_ok() { local t0 t1; t0=$(now_ms); for _ in $(seq 1 600); do "$@" >/dev/null 2>&1 && break; sleep 0.05; done; t1=$(now_ms); awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f\n", b - a }'; }
until_fails() { local t0 t1; t0=$(now_ms); for _ in $(seq 1 1200); do "$@" >/dev/null 2>&1 || break; sleep 0.05; done; t1=$(now_ms); awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f\n", b - a }'; }
answers() { curl -fsS --max-time 1 "http://$IP:$1/" ; }

: >"$WORK/add"; : >"$WORK/remove"; : >"$WORK/fixed"
for r in $(seq 1 "$ROUNDS"); do
  docker run -d --name lat -p $PORT:80 localhost/bench/busybox:1 sh -c "$HTTPD" >/dev/null || { say "run failed"; exit 1; }
  until_ok answers $PORT >>"$WORK/add"
  docker rm -f lat >/dev/null
  until_fails answers $PORT >>"$WORK/remove"
  docker run -d --name fixed -p $((PORT + 1)):80 localhost/bench/busybox:1 sh -c "$HTTPD" >/dev/null
  until_ok answers $((PORT + 1)) >>"$WORK/fixed"
  docker rm -f fixed >/dev/null
done
say "latency rounds (ms): add $(tr '\n' ' ' <"$WORK/add")| remove $(tr '\n' ' ' <"$WORK/remove")| fixed $(tr '\n' ' ' <"$WORK/fixed")"

# throughput: one container publishing the blob on both ports, and an ssh -L to its VM port
docker run -d --name blob --shm-size $((SIZE_MB + 16))m -p $PORT:80 -p $((PORT + 1)):81 localhost/bench/busybox:1 \
  sh -c "dd if=/dev/zero of=/dev/shm/blob bs=1M count=$SIZE_MB 2>/dev/null && httpd -p 81 -h /dev/shm && exec httpd -f -p 80 -h /dev/shm" >/dev/null
until_ok curl -fsS --max-time 1 -o /dev/null -r 0-0 "http://$IP:$PORT/blob" >/dev/null
until_ok curl -fsS --max-time 1 -o /dev/null -r 0-0 "http://$IP:$((PORT + 1))/blob" >/dev/null
"$JM" ssh "$MACHINE" -N -L "$((PORT + 2)):127.0.0.1:$PORT" </dev/null >/dev/null 2>&1 &
SSH_PID=$!
until_ok curl -fsS --max-time 1 -o /dev/null -r 0-0 "http://127.0.0.1:$((PORT + 2))/blob" >/dev/null
mbps() { curl -fsS --max-time 600 -o /dev/null -w '%{size_download} %{time_total}\n' "$1" | awk '{ printf "%.1f\n", $1 / $2 / 1e6 }'; }
for r in $(seq 1 3); do
  mbps "http://$IP:$PORT/blob" >>"$WORK/t-agent"
  mbps "http://$IP:$((PORT + 1))/blob" >>"$WORK/t-fixed"
  mbps "http://127.0.0.1:$((PORT + 2))/blob" >>"$WORK/t-ssh"
done

printf '%-44s %10s\n' "forward (kvm machine, $(grep -c . "$WORK/add") rounds)" median
printf '%-44s %7s ms\n' "agent: run returned -> port answers" "$(median <"$WORK/add")"
printf '%-44s %7s ms\n' "agent: rm -f returned -> port closed" "$(median <"$WORK/remove")"
printf '%-44s %7s ms\n' "--kvm-port-forward: run -> port answers" "$(median <"$WORK/fixed")"
printf '%-44s %7s MB/s\n' "throughput, agent's forward ($SIZE_MB MiB)" "$(median <"$WORK/t-agent")"
printf '%-44s %7s MB/s\n' "throughput, --kvm-port-forward" "$(median <"$WORK/t-fixed")"
printf '%-44s %7s MB/s\n' "throughput, jmachine ssh -L" "$(median <"$WORK/t-ssh")"
