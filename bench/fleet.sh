#!/usr/bin/env bash
# Benchmark: `jmachine fleet apply` of kvm fleets under TCG, 2 and 4 machines with --parallel 1 and 2 (each from
# nothing to every engine answering over TLS, then fleet rm), and a no-op apply of a converged fleet. Prints one line
# per run; no timed assertions. Hold the VM lock:
#   flock /tmp/jmachine-vm.lock bench/fleet.sh               (as root; the default kvm image should be cached)
#   BENCH_FLEET="2:1 2:2" flock /tmp/jmachine-vm.lock bench/fleet.sh   (COUNT:PARALLEL pairs; default 2:1 2:2 4:1 4:2)
# Memory: 768 MiB and one vCPU a machine. Everything it makes is in the store /tmp/jmbench-fleet-store, removed on exit.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/bench/lib.sh"
STORE=/tmp/jmbench-fleet-store
WORK=$(mktemp -d /tmp/jmbench-fleet.XXXXXX)
JM=("$ROOT/jmachine" -s "$STORE")
FLEET=jmbf$$

cleanup() {
  set +e
  "${JM[@]}" fleet rm -y --force -f "$WORK/fleet.yaml" >/dev/null 2>&1
  rm -rf "$WORK" "$STORE"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || { echo "run as root: the kvm driver needs qemu:///system"; exit 1; }
[ ! -e "$STORE" ] || { echo "$STORE exists: another run is going on, or left it behind; remove it first"; exit 1; }
"${JM[@]}" version >/dev/null # builds the CLI when needed, outside the timing

fleet_file() { # COUNT
  printf 'name: %s\nmachines:\n  web:\n    driver: kvm\n    count: %s\n    options:\n      kvm-accel: tcg\n      kvm-memory: 768\n      kvm-cpu-count: 1\n' \
    "$FLEET" "$1" >"$WORK/fleet.yaml"
}

secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }

echo "host: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
for run in ${BENCH_FLEET:-2:1 2:2 4:1 4:2}; do
  count=${run%%:*} parallel=${run##*:}
  fleet_file "$count"
  t0=$(date +%s%N)
  if "${JM[@]}" fleet apply --parallel "$parallel" -f "$WORK/fleet.yaml" >"$WORK/apply.log" 2>&1; then rc=ok; else rc="failed ($(tail -n 1 "$WORK/apply.log"))"; fi
  t1=$(date +%s%N)
  t2=$(date +%s%N)
  "${JM[@]}" fleet apply -f "$WORK/fleet.yaml" >/dev/null 2>&1 || true
  t3=$(date +%s%N)
  echo "apply of $count kvm machines, --parallel $parallel: $(secs "$t0" "$t1") s ($rc); no-op apply after it: $(secs "$t2" "$t3") s"
  "${JM[@]}" fleet rm -y --force -f "$WORK/fleet.yaml" >/dev/null 2>&1
done
