# Sourced by the benchmarks that measure through a kvm machine (forward-throughput.sh, mount-throughput.sh).
# With MACHINE=NAME (and JMACHINE_STORAGE_PATH as it was made) they use that machine as it is; without, they create
# one (TCG, user-mode networking, SHARE mounted) and remove it on exit. Hold the VM lock: flock /tmp/jmachine-vm.lock …

JM="$ROOT/jmachine"
MADE_MACHINE=

# sets MACHINE (and DOCKER_* for it); EXTRA_CREATE_ARGS are added to create
machine_up() {
  if [ -z "${MACHINE:-}" ]; then
    MACHINE=jmbench-reach-$$
    export JMACHINE_STORAGE_PATH=$WORK/store
    say "creating $MACHINE (tcg) ..."
    "$JM" create -d kvm --kvm-accel tcg --kvm-memory 1024 --kvm-cpu-count 2 ${EXTRA_CREATE_ARGS:-} "$MACHINE" >"$WORK/create.log" 2>&1 \
      || { say "create failed:"; tail -n 20 "$WORK/create.log" >&2; return 1; }
    MADE_MACHINE=$MACHINE
  fi
  eval "$("$JM" env "$MACHINE")"
}

machine_down() {
  [ -n "$MADE_MACHINE" ] && "$JM" rm -f -y "$MADE_MACHINE" >/dev/null 2>&1
  MADE_MACHINE=
}

# a busybox image (localhost/bench/busybox:1) in the machine's engine, from the host's busybox-static
import_busybox() {
  busybox_tar || return 1
  docker import "$WORK/busybox.tar" localhost/bench/busybox:1 >/dev/null
}
