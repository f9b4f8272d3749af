#!/usr/bin/env bash
# Benchmark: `docker cp` into and out of a running container, of one 100 MB file and of a folder of 5,000 small
# files, through jmachine-engine and, when one is installed, a real dockerd. Prints the median of ROUNDS rounds
# (default 5) per case. Bounded; everything it made goes at the end.
#   bench/cp.sh                 (as root, from anywhere; ENGINE=PATH runs another checkout's ./jmachine-engine)
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/bench/lib.sh"
ROUNDS=${ROUNDS:-5}
ENGINE=${ENGINE:-$ROOT/jmachine-engine}
IMG=localhost/bench/busybox:1
WORK=$(mktemp -d /tmp/jm-bench-cp.XXXXXX)
ENGINE_PID= DOCKERD_PID=
DOCKER=${DOCKER:-docker}

cleanup() {
  set +e
  for sock in "$WORK/engine.sock" "$WORK/dockerd.sock"; do
    [ -S "$sock" ] && DOCKER_HOST=unix://$sock $DOCKER rm -f cp-bench >/dev/null 2>&1
  done
  for pid in $ENGINE_PID $DOCKERD_PID; do kill -TERM "$pid" 2>/dev/null; done
  for pid in $ENGINE_PID $DOCKERD_PID; do for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done; done
  ip link del jmbench-cp0 2>/dev/null; ip link del jmbench-cp1 2>/dev/null
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

say "making the inputs: a 100 MB file and 5,000 files of 1 KiB"
head -c 100000000 /dev/urandom >"$WORK/big.bin"
mkdir -p "$WORK/many"
for d in $(seq 0 49); do
  mkdir -p "$WORK/many/d$d"
  for f in $(seq 0 99); do head -c 1024 /dev/urandom >"$WORK/many/d$d/f$f"; done
done

measure() { # label socket: one line per case, milliseconds
  export DOCKER_HOST=unix://$2
  $DOCKER import "$WORK/busybox.tar" $IMG >/dev/null
  $DOCKER run -d --name cp-bench $IMG sleep 3600 >/dev/null
  local out=$WORK/out-$1 big_in big_out many_in many_out
  mkdir -p "$out"
  big_in=$(for _ in $(seq "$ROUNDS"); do time_ms $DOCKER cp "$WORK/big.bin" cp-bench:/tmp/big.bin; done | median)
  big_out=$(for _ in $(seq "$ROUNDS"); do rm -f "$out/big.bin"; time_ms $DOCKER cp cp-bench:/tmp/big.bin "$out/big.bin"; done | median)
  cmp -s "$WORK/big.bin" "$out/big.bin" || { say "$1: the 100 MB file came back different"; exit 1; }
  many_in=$(for _ in $(seq "$ROUNDS"); do $DOCKER exec cp-bench rm -rf /tmp/many; time_ms $DOCKER cp "$WORK/many" cp-bench:/tmp/many; done | median)
  many_out=$(for _ in $(seq "$ROUNDS"); do rm -rf "$out/many"; time_ms $DOCKER cp cp-bench:/tmp/many "$out/many"; done | median)
  [ "$(find "$out/many" -type f | wc -l)" = 5000 ] || { say "$1: the folder came back without its 5,000 files"; exit 1; }
  $DOCKER rm -f cp-bench >/dev/null
  printf '%s %s %s %s\n' "$big_in" "$big_out" "$many_in" "$many_out"
}

say "starting jmachine-engine ($ENGINE)"
"$ENGINE" --version >/dev/null # builds it when needed, outside the timing
setsid "$ENGINE" -H "unix://$WORK/engine.sock" --data-root "$WORK/engine-data" --exec-root "$WORK/engine-exec" \
  --bridge jmbench-cp0 --bip 10.198.8.0/24 >"$WORK/engine.log" 2>&1 &
ENGINE_PID=$!
wait_for_engine "$WORK/engine.sock" "$ENGINE_PID" engine || exit 1
JM=$(measure jmachine-engine "$WORK/engine.sock")

DK="n/a n/a n/a n/a"
if command -v dockerd >/dev/null; then
  say "starting dockerd ($(dockerd --version))"
  ip link add jmbench-cp1 type bridge 2>/dev/null; ip addr add 10.198.9.1/24 dev jmbench-cp1 2>/dev/null; ip link set jmbench-cp1 up
  setsid dockerd --data-root "$WORK/dk-data" --exec-root "$WORK/dk-exec" --pidfile "$WORK/dk.pid" -H "unix://$WORK/dockerd.sock" \
    --bridge jmbench-cp1 --fixed-cidr 10.198.9.0/24 --iptables=false --ip-masq=false >"$WORK/dockerd.log" 2>&1 &
  DOCKERD_PID=$!
  wait_for_engine "$WORK/dockerd.sock" "$DOCKERD_PID" dockerd && DK=$(measure dockerd "$WORK/dockerd.sock")
fi

printf '%-28s %16s %12s\n' "docker cp (median of $ROUNDS)" jmachine-engine dockerd
read -r a b c d <<<"$JM"; read -r e f g h <<<"$DK"
printf '%-28s %13s ms %9s ms\n' "100 MB file in" "$a" "$e" "100 MB file out" "$b" "$f" "5,000 files in" "$c" "$g" "5,000 files out" "$d" "$h"
