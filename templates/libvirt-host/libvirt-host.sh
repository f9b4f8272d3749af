#!/bin/sh
# The libvirt host container's start: virtlogd (QEMU's console logs), sshd when a key may log in (qemu+ssh://), then
# libvirtd in the foreground, so that the container stops when it does and `docker stop` stops it cleanly.
set -e
mkdir -p /run/libvirt /run/sshd
/usr/sbin/virtlogd -d
if [ -s /root/.ssh/authorized_keys ]; then
  [ -s /etc/ssh/ssh_host_ed25519_key ] || ssh-keygen -A
  /usr/sbin/sshd -o PermitRootLogin=prohibit-password -o PasswordAuthentication=no
fi
exec /usr/sbin/libvirtd
