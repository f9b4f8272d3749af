#!/bin/sh
# The libvirt host container's start: virtlogd (QEMU's console logs), sshd when a key may log in (qemu+ssh://), then
# libvirtd. This shell stays PID 1 and reaps: libvirtd probes QEMU with -daemonize, whose orphans reach PID 1, and a
# libvirtd that is PID 1 itself never reaps them, takes the zombies for QEMUs it cannot kill, and hangs every define.
set -e
mkdir -p /run/libvirt /run/sshd
/usr/sbin/virtlogd -d
if [ -s /root/.ssh/authorized_keys ]; then
  [ -s /etc/ssh/ssh_host_ed25519_key ] || ssh-keygen -A
  /usr/sbin/sshd -o PermitRootLogin=prohibit-password -o PasswordAuthentication=no
fi
/usr/sbin/libvirtd &
libvirtd=$!
trap 'kill -TERM $libvirtd' TERM INT
set +e
# wait returns on a trapped signal; the loop waits again until libvirtd has gone (reaping any orphan meanwhile)
while kill -0 $libvirtd 2>/dev/null; do
  wait $libvirtd
done
