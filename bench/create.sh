#!/usr/bin/env bash
# Benchmark: `jmachine create -d kvm --kvm-accel tcg` to an engine answering over TLS, split into phases, beside a bare
# boot of the SAME base image in the same run: `virsh create` of a minimal domain (same memory, CPUs, accelerator,
# kernel/initrd direct boot, qcow2 overlay, user-mode net) with a NoCloud seed holding just an SSH key, timed until
# `ssh -o BatchMode=yes … true` succeeds. Prints one line per round and the medians; no timed assertions.
#   bench/create.sh                 (as root, from anywhere; the default kvm image should be cached: ./jmachine create -d kvm once)
#   BENCH_ROUNDS=3 bench/create.sh  (default 2 rounds of each; rounds alternate which boot goes first)
# Phases of create, from the timestamps of its progress lines (stderr):
#   define     start of the CLI -> "host created" (pre-create checks, overlay, seed, domain defined and started)
#   boot→SSH   -> "SSH is up"
#   provision  -> the "start the engine" step done (OS detection, packages, bundle, config, unit, start: checks where the
#                 first boot installed them already)
#   engine     -> "engine answering over TLS"
# Target (issue 5): create's define+boot to SSH <= 1.3x the bare boot to SSH; total to engine vs bare is reported too.
# Everything it makes is named jmbench-* (store /tmp/jmbench-store, domains jmbench-c*/jmbench-bare*) and removed on exit.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/bench/lib.sh"
ROUNDS=${BENCH_ROUNDS:-2}
URI=qemu:///system
STORE=/tmp/jmbench-store
WORK=$(mktemp -d /tmp/jmbench-create.XXXXXX)
VIRSH="virsh -q -c $URI"
CREATED=() # jmachine machines
BARE=()    # transient domains

cleanup() {
  set +e
  for name in "${CREATED[@]}"; do "$ROOT/jmachine" -s "$STORE" rm -f "$name" >/dev/null 2>&1; $VIRSH destroy "$name" >/dev/null 2>&1; $VIRSH undefine "$name" >/dev/null 2>&1; done
  for name in "${BARE[@]}"; do $VIRSH destroy "$name" >/dev/null 2>&1; done
  rm -rf "$WORK" "$STORE"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || { echo "run as root: the kvm driver and virsh need qemu:///system"; exit 1; }
[ ! -e "$STORE" ] || { echo "$STORE exists: another run is going on, or left it behind; remove it first"; exit 1; }
$VIRSH list >/dev/null 2>&1 || { virtlogd -d; libvirtd -d; sleep 2; }
ls "${XDG_CACHE_HOME:-$HOME/.cache}"/jmachine/images/debian-*/disk.qcow2 >/dev/null 2>&1 \
  || { echo "no cached kvm image: run ./jmachine create -d kvm once (it builds it, ~1 min), then this"; exit 1; }
"$ROOT/jmachine" version >/dev/null # builds the CLI when needed, outside the timing
[ -f "$ROOT/engine-agent/target/jmachine-engine-bundle.tar.gz" ] || { echo "build the engine bundle first: ./build -q package -DskipTests"; exit 1; }

now() { date +%s.%N; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f\n", b - a }'; }

echo "host: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), other running domains: $($VIRSH list --name | grep -vc '^jmbench-' || true)"
if [ -c /dev/kvm ] && [ "$(stat -c %a:%G /dev/kvm)" = "600:root" ]; then
  echo "note: /dev/kvm is 0600 root:root, so libvirt re-probes QEMU on every define (tens of seconds under load)"
fi

# --- jmachine create; appends "define boot provision engine total" (seconds) to create.txt (no subshell: it sets CREATED, IMAGE)
declare -A IMAGE # kernel initrd base memory vcpus cmdline: taken from the first create's domain
run_create() {
  local name=$1 log=$WORK/$1.log t0 rc
  CREATED+=("$name")
  t0=$(now)
  set +e
  "$ROOT/jmachine" -s "$STORE" create -d kvm --kvm-accel tcg "$name" 2>&1 >/dev/null | while IFS= read -r line; do
    printf '%s %s\n' "$(now)" "$line"; done >"$log"
  rc=${PIPESTATUS[0]}
  set -e
  local t_end; t_end=$(now)
  if [ "$rc" != 0 ]; then echo "create $name failed ($rc):" >&2; tail -n 15 "$log" >&2; return 1; fi
  at() { awk -v pat="$1" 'index($0, pat) { print $1; exit }' "$log"; }
  local th ts tw te
  th=$(at ") host created") ts=$(at ") SSH is up") tw=$(at "] start the engine") te=$(at ") engine answering over TLS")
  [ -n "$th" ] && [ -n "$ts" ] && [ -n "$tw" ] && [ -n "$te" ] || { echo "create's output lacks a phase line:" >&2; cat "$log" >&2; return 1; }
  if [ -z "${IMAGE[base]:-}" ]; then
    local xml; xml=$($VIRSH dumpxml "$name")
    IMAGE[kernel]=$(sed -n 's:.*<kernel>\(.*\)</kernel>.*:\1:p' <<<"$xml")
    IMAGE[initrd]=$(sed -n 's:.*<initrd>\(.*\)</initrd>.*:\1:p' <<<"$xml")
    IMAGE[cmdline]=$(sed -n 's:.*<cmdline>\(.*\)</cmdline>.*:\1:p' <<<"$xml")
    IMAGE[memory]=$(sed -n "s:.*<memory unit='KiB'>\(.*\)</memory>.*:\1:p" <<<"$xml")
    IMAGE[vcpus]=$(sed -n 's:.*<vcpu[^>]*>\(.*\)</vcpu>.*:\1:p' <<<"$xml")
    # the machine's disk is a volume of libvirt's storage pool; the bare boot uses the same base volume
    IMAGE[base]=$(qemu-img info -U --output=json "$($VIRSH domblklist "$name" | awk '$1 == "vda" { print $2 }')" | python3 -c 'import json,sys; print(json.load(sys.stdin)["full-backing-filename"])')
  fi
  "$ROOT/jmachine" -s "$STORE" rm -f "$name" >/dev/null 2>&1 || true
  echo "$(sub "$t0" "$th") $(sub "$th" "$ts") $(sub "$ts" "$tw") $(sub "$tw" "$te") $(sub "$t0" "$t_end")" >>"$WORK/create.txt"
}

# --- bare boot of the same image; appends "define boot total" (seconds) to bare.txt
ssh-keygen -q -t ed25519 -N '' -C jmbench -f "$WORK/id" </dev/null
run_bare() {
  local name=$1 dir=$WORK/$1 port t0 t1 t2
  mkdir -p "$dir"
  port=$(free_port)
  printf 'instance-id: %s\nlocal-hostname: %s\n' "$name" "$name" >"$dir/meta-data"
  printf '#cloud-config\nusers:\n  - name: docker\n    lock_passwd: true\n    ssh_authorized_keys:\n      - %s\n' "$(cat "$WORK/id.pub")" >"$dir/user-data"
  cat >"$dir/domain.xml" <<EOF
<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>$name</name>
  <memory unit='KiB'>${IMAGE[memory]}</memory>
  <vcpu>${IMAGE[vcpus]}</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>${IMAGE[kernel]}</kernel><initrd>${IMAGE[initrd]}</initrd><cmdline>${IMAGE[cmdline]}</cmdline></os>
  <features><acpi/><apic/></features>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$dir/disk.qcow2'/><target dev='vda' bus='virtio'/></disk>
    <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='$dir/seed.iso'/><target dev='vdb' bus='virtio'/><readonly/></disk>
    <serial type='pty'><target port='0'/></serial>
    <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>
  </devices>
  <seclabel type='static' model='dac' relabel='no'><label>+0:+0</label></seclabel>
  <qemu:commandline>
    <qemu:arg value='-netdev'/><qemu:arg value='user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:$port-:22'/>
    <qemu:arg value='-device'/><qemu:arg value='virtio-net-pci,netdev=n0,bus=pci.0,addr=0x1e'/>
  </qemu:commandline>
</domain>
EOF
  BARE+=("$name")
  t0=$(now)
  qemu-img create -q -f qcow2 -F qcow2 -b "${IMAGE[base]}" "$dir/disk.qcow2" 20000M
  genisoimage -quiet -output "$dir/seed.iso" -volid cidata -joliet -rock "$dir/user-data" "$dir/meta-data"
  $VIRSH create "$dir/domain.xml" >/dev/null
  t1=$(now)
  local deadline=$((SECONDS + 600))
  until ssh -q -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=5 \
      -i "$WORK/id" -p "$port" docker@127.0.0.1 true </dev/null 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { echo "bare boot $name: no SSH after 600 s" >&2; return 1; }
    sleep 0.5
  done
  t2=$(now)
  $VIRSH destroy "$name" >/dev/null 2>&1 || true
  rm -rf "$dir"
  echo "$(sub "$t0" "$t1") $(sub "$t1" "$t2") $(sub "$t0" "$t2")" >>"$WORK/bare.txt"
}

: >"$WORK/create.txt"; : >"$WORK/bare.txt"
one_create() {
  run_create "jmbench-c$1"
  read -r d b p e t < <(tail -n 1 "$WORK/create.txt")
  echo "round $1 create: define $d s, boot to SSH $b s, provision $p s, engine answering $e s, total $t s"
}
one_bare() {
  run_bare "jmbench-bare$1"
  read -r d b t < <(tail -n 1 "$WORK/bare.txt")
  echo "round $1 bare:   define $d s, boot to SSH $b s, total $t s"
}
for round in $(seq "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then one_create "$round"; one_bare "$round"; else one_bare "$round"; one_create "$round"; fi
done

col() { awk -v c="$1" '{ print $c }' "$2" | median; }
cd_=$(col 1 "$WORK/create.txt") cb=$(col 2 "$WORK/create.txt") cp_=$(col 3 "$WORK/create.txt") ce=$(col 4 "$WORK/create.txt") ct=$(col 5 "$WORK/create.txt")
bd=$(col 1 "$WORK/bare.txt") bb=$(col 2 "$WORK/bare.txt") bt=$(col 3 "$WORK/bare.txt")
cds=$(awk '{ print $1 + $2 }' "$WORK/create.txt" | median)
echo "== medians over $ROUNDS rounds (seconds)"
echo "create: define $cd_, boot to SSH $cb, provision $cp_, engine answering $ce, total $ct"
echo "bare:   define $bd, boot to SSH $bb, total $bt"
awk -v c="$cds" -v b="$bt" 'BEGIN { printf "create define+boot to SSH vs bare to SSH: %.1f s vs %.1f s, overhead %+.0f%% (target <= +30%%)\n", c, b, (c / b - 1) * 100 }'
awk -v c="$ct" -v b="$bt" 'BEGIN { printf "create total to engine vs bare to SSH:     %.1f s vs %.1f s, overhead %+.0f%%\n", c, b, (c / b - 1) * 100 }'
