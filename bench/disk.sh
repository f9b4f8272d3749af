#!/usr/bin/env bash
# Benchmark: the disk an image takes in jmachine-engine's data root and in the peer dockerd's
# (scripts/peer-dockerd.sh), for the same image: a busybox base and two layers of 20 MiB of random bytes each.
# Prints `du` of the data root before and after, and `docker system df`'s image size, for both. As root.
#   bench/disk.sh   (DISK_BIP=10.199.0.0/24 DISK_BRIDGE=jmdisk1: another subnet when 10.196.0.0/24 is taken)
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/bench/lib.sh"
WORK=$(mktemp -d /tmp/jm-disk.XXXXXX)
ENGINE_PID=
DOCKER=${DOCKER:-docker}
TAG=localhost/bench/disk:$$
BASE=localhost/bench/disk-base:$$
PEER_DATA=/var/tmp/jm-peer-dockerd

cleanup() {
  set +e
  [ -n "${dockerd_host:-}" ] && DOCKER_HOST=$dockerd_host $DOCKER rmi -f "$TAG" "$BASE" >/dev/null 2>&1
  if [ -n "$ENGINE_PID" ]; then
    kill -TERM "$ENGINE_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$ENGINE_PID" 2>/dev/null || break; sleep 0.2; done
  fi
  grep -o " $WORK[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

du_mib() { du -sk "$1" | awk '{ printf "%.1f\n", $1 / 1024 }'; }

rootfs=$WORK/rootfs
mkdir -p "$rootfs"/{bin,etc,tmp,root,proc,sys,dev}
cp "$(command -v busybox)" "$rootfs/bin/busybox"
for applet in $("$rootfs/bin/busybox" --list); do [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"; done
tar -C "$rootfs" -cf "$WORK/busybox.tar" .
mkdir -p "$WORK/ctx"
head -c 20M /dev/urandom >"$WORK/ctx/one"
head -c 20M /dev/urandom >"$WORK/ctx/two"
printf 'FROM %s\nCOPY one /one\nCOPY two /two\n' "$BASE" >"$WORK/ctx/Dockerfile"

measure() { # label host data-root
  local label=$1 host=$2 data=$3 before after
  export DOCKER_HOST=$host
  before=$(du_mib "$data")
  $DOCKER import "$WORK/busybox.tar" "$BASE" >/dev/null
  DOCKER_BUILDKIT=0 $DOCKER build -q -t "$TAG" "$WORK/ctx" >/dev/null 2>&1
  after=$(du_mib "$data")
  echo "$label: data root grew $(awk -v a="$before" -v b="$after" 'BEGIN { printf "%.1f", b - a }') MiB for the image (${before} -> ${after} MiB)"
  echo "$label: docker image ls: $($DOCKER image ls --format '{{.Size}}' "$TAG")"
  $DOCKER system df --format '{{.Type}} {{.Size}}' | sed "s/^/$label: system df: /"
}

echo "== jmachine-engine"
"$ROOT/jmachine-engine" --version >/dev/null
setsid "$ROOT/jmachine-engine" -H "unix://$WORK/engine.sock" --data-root "$WORK/engine-data" --exec-root "$WORK/engine-exec" \
  --bridge "${DISK_BRIDGE:-jmdisk0}" --bip "${DISK_BIP:-10.196.0.0/24}" >"$WORK/engine.log" 2>&1 &
ENGINE_PID=$!
wait_for_engine "$WORK/engine.sock" "$ENGINE_PID" engine || exit 1
measure jmachine-engine "unix://$WORK/engine.sock" "$WORK/engine-data"

echo "== dockerd (the peer)"
dockerd_host=$("$ROOT/scripts/peer-dockerd.sh" start)
measure dockerd "$dockerd_host" "$PEER_DATA"
