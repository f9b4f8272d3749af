#!/usr/bin/env bash
# A host folder mounted in a kvm machine (--kvm-mount, virtio-fs) against the VM's own disk, measured inside the VM:
#   sequential write and read of SIZE_MB (dd, 1 MiB blocks; write with fsync, read after dropping the guest's caches)
#   untar of FILES small files (1 KiB each, from a tar on the host folder), then rm -rf of them
# Prints MB/s and seconds; no timed assertions. As root, from the project root, holding the VM lock:
#   flock /tmp/jmachine-vm.lock bench/mount-throughput.sh
# Environment: SIZE_MB (256), FILES (5000), MACHINE and SHARE (use this machine, SHARE being a host folder mounted
# in it at the same path; else one is made with SHARE mounted).
# 9p is not measured: the Debian cloud kernel of the default guest image has no 9p (CONFIG_9P_FS is unset), virtio-fs only.
set -u
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/bench/lib.sh"
. "$ROOT/bench/machine-lib.sh"
SIZE_MB=${SIZE_MB:-256}
FILES=${FILES:-5000}
WORK=$(mktemp -d /tmp/jm-mount-bench.XXXXXX)
cleanup() { machine_down; rm -rf "$WORK"; [ -n "${MADE_SHARE:-}" ] && rm -rf "$MADE_SHARE"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "${SHARE:-}" ]; then SHARE=$WORK/share; mkdir -p "$SHARE"; fi
EXTRA_CREATE_ARGS="--kvm-mount $SHARE"
machine_up || exit 1
mkdir -p "$SHARE/jmbench"
# the small files, tarred on the host
mkdir -p "$WORK/small"
python3 - "$WORK/small" "$FILES" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, "d%03d" % (i // 100))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d.txt" % i), "wb") as f:
        f.write(os.urandom(512).hex().encode())
PY
tar -C "$WORK" -cf "$SHARE/jmbench/small.tar" small

# runs the measurements in DIR inside the VM; prints: write_MBps read_MBps untar_s rm_s
measure() {
  "$JM" ssh "$MACHINE" sudo sh -s -- "$1" "$SIZE_MB" "$SHARE/jmbench/small.tar" <<'SH'
set -e
dir=$1 size=$2 tar=$3
mkdir -p "$dir/run" && cd "$dir/run"
rate() { sed -n 's/.* copied, \([0-9.]*\) s.*/\1/p' | awk -v mb="$size" '{ printf "%.1f", mb * 1048576 / $1 / 1e6 }'; }
w=$(dd if=/dev/zero of=blob bs=1M count="$size" conv=fsync 2>&1 | rate)
sync; echo 3 >/proc/sys/vm/drop_caches
r=$(dd if=blob of=/dev/null bs=1M 2>&1 | rate)
rm -f blob
t0=$(date +%s.%N); tar -xf "$tar" -C .; sync; t1=$(date +%s.%N)
rm -rf small; sync; t2=$(date +%s.%N)
cd / && rm -rf "$dir/run"
echo "$w $r $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') $(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.2f", b - a }')"
SH
}
say "measuring on the VM's disk (/var/tmp/jmbench) ..."
DISK=$(measure /var/tmp/jmbench) || { say "measurement on the disk failed"; exit 1; }
say "measuring on the host folder ($SHARE, virtio-fs) ..."
MOUNT=$(measure "$SHARE/jmbench") || { say "measurement on the mount failed"; exit 1; }
printf '%-30s %14s %14s\n' "" "VM disk" "virtio-fs"
set -- $DISK; dw=$1 dr=$2 du=$3 dd=$4
set -- $MOUNT; mw=$1 mr=$2 mu=$3 md=$4
printf '%-30s %9s MB/s %9s MB/s\n' "sequential write ($SIZE_MB MiB)" "$dw" "$mw"
printf '%-30s %9s MB/s %9s MB/s\n' "sequential read (cold)" "$dr" "$mr"
printf '%-30s %11.1f s %11.1f s\n' "untar $FILES files" "$du" "$mu"
printf '%-30s %11.1f s %11.1f s\n' "rm -rf them" "$dd" "$md"
