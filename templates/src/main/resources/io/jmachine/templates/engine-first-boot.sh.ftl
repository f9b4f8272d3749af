<#-- model: device, format (ext4: a filesystem holding the unpacked bundle; tar.gz: the bundle itself), diskSize,
     diskSha512 (of what the disk holds), bundleSha256 (the .tar.gz's, recorded for the install over SSH), installDir,
     bundleMount, checkMarker and lookedMarker (ext4: where the disk is mounted until the bundle is copied off it, a file
     that is there until the disk's digest is checked, and one the install over SSH leaves once it has looked at the
     bundle), files (list of {path, mode, base64}), service,
     fstab (optional, /etc/fstab unless a test says otherwise) -->
# jmachine: at first boot, installs jmachine-engine from the bundle disk ${device} and the files below, and starts it
# while the rest of the boot goes on; later boots leave it to systemd (an upgrade over SSH may have replaced it since)
set -e
done_marker=/var/lib/jmachine/first-boot-done
if [ ! -e "$done_marker" ]; then
<#list files as f>
mkdir -p "$(dirname '${f.path}')"
printf '%s' '${f.base64}' | base64 -d > '${f.path}.tmp' && chmod ${f.mode} '${f.path}.tmp' && mv '${f.path}.tmp' '${f.path}'
</#list>
i=0; while [ ! -b '${device}' ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
<#assign fstab = fstab!"/etc/fstab">
<#if format == "ext4">
# the disk is mounted and the engine starts from it at once (unpacking a tar took ~6 s of CPU under TCG, here before
# the engine and sshd could start): the install dir is a link to the mount (in fstab, for a boot before the copy below
# ends) until a copy of the bundle takes its place; the install over SSH waits while ${checkMarker} is there
if [ "$(cat '${installDir}/.bundle-sha256' 2>/dev/null)" != '${bundleSha256}' ]; then
  mkdir -p '${bundleMount}' "$(dirname '${checkMarker}')"
  mountpoint -q '${bundleMount}' || mount -o ro -t ext4 '${device}' '${bundleMount}' \
    || { echo "cannot mount the bundle disk ${device}: the install over SSH sends the bundle instead" >&2; exit 1; }
  grep -qx '${bundleSha256}' '${bundleMount}/.bundle-sha256' \
    || { echo "the bundle disk ${device} holds another bundle: the install over SSH sends it instead" >&2; exit 1; }
  grep -q ' ${bundleMount} ' '${fstab}' || echo '${device} ${bundleMount} ext4 ro,nofail,x-systemd.device-timeout=10s 0 0' >> '${fstab}'
  touch '${checkMarker}'
  rm -rf '${installDir}'; ln -s '${bundleMount}' '${installDir}'
fi
<#else>
rm -rf '${installDir}.new'; mkdir -p '${installDir}.new'
# one read of the disk, digested while it is unpacked (beside the install dir, which it replaces only when the digest
# matches)
sums=/run/jmachine-bundle.sha512; rm -f "$sums.fifo"; mkfifo "$sums.fifo"
sha512sum < "$sums.fifo" > "$sums" &
head -c ${diskSize?c} '${device}' | tee "$sums.fifo" | tar -xz -C '${installDir}.new' --strip-components=1 --no-same-owner
wait $!; rm -f "$sums.fifo"
grep -q '^${diskSha512} ' "$sums" || { echo "the bundle disk ${device} does not hold the bundle jmachine wrote (its SHA-512 differs)" >&2; rm -rf '${installDir}.new'; exit 1; }
echo '${bundleSha256}' > '${installDir}.new/.bundle-sha256'
rm -rf '${installDir}'; mv '${installDir}.new' '${installDir}'
</#if>
mkdir -p /etc/systemd/system/multi-user.target.wants
ln -sf '/etc/systemd/system/${service}.service' '/etc/systemd/system/multi-user.target.wants/${service}.service'
# no daemon-reload (2-4 s under TCG, on SSH's and the engine's path): systemd (since 246) loads a unit file written
# after it looked for it, even one it had noted as not found (the host folders' unit names it in Before=), when it is
# started; the symlink above is for the later boots
# this first start only (a drop-in under /run), the engine starts now rather than after cloud-init's init stage and the
# rest of sysinit.target (seconds under TCG, which all of create waits for); later boots keep the unit's own ordering.
# A share of the CPUs three times the default: at 1000 it held back cloud-init's init stage, which sshd and so the
# install over SSH wait for (create +31-39 % over a bare boot); at the default, create waited 3-5 s for it after the
# install (+12-31 %); at 300, 0.7-1.2 s (+16-21 %)
mkdir -p '/run/systemd/system/${service}.service.d'
cat > '/run/systemd/system/${service}.service.d/50-first-boot.conf' <<'JMACHINE_EOF'
[Unit]
DefaultDependencies=no
After=local-fs.target network.target
Conflicts=shutdown.target
Before=shutdown.target
[Service]
StartupCPUWeight=300
JMACHINE_EOF
systemctl start --no-block '${service}'
mkdir -p "$(dirname "$done_marker")" && touch "$done_marker"
fi
<#if format == "ext4">
# at each boot while the install dir is still the link to the disk (a first boot, or one whose copy did not end): the
# copy, in its own unit so that it outlives cloud-init's, started now rather than after sysinit.target
if [ "$(readlink '${installDir}')" = '${bundleMount}' ]; then
  mkdir -p "$(dirname '${checkMarker}')"
  cat > "$(dirname '${checkMarker}')/engine-bundle-copy.sh" <<'JMACHINE_EOF'
# jmachine: checks the bundle disk's digest, then copies the bundle off it into ${installDir}
fail() {
  echo "$1: the install over SSH sends the bundle instead" >&2
  systemctl stop --no-block '${service}'
  if [ "$(readlink '${installDir}')" = '${bundleMount}' ]; then rm -f '${installDir}'; fi
  rm -rf '${installDir}.copy' '${checkMarker}'; exit 1
}
head -c ${diskSize?c} '${device}' | sha512sum | grep -q '^${diskSha512} ' \
  || fail "the bundle disk ${device} does not hold the bundle jmachine wrote (its SHA-512 differs)"
# checked: the install over SSH goes on; the copy (~5 s of CPU under TCG) waits until it has looked (it leaves
# ${lookedMarker}), or 2 min, and takes a small share of the CPUs: create waits for the engine, not for the copy
rm -f '${checkMarker}'
i=0; while [ ! -e '${lookedMarker}' ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i + 1)); done
systemctl set-property --runtime jmachine-engine-bundle-copy StartupCPUWeight=20 CPUWeight=20 2>/dev/null || true
rm -rf '${installDir}.copy'
if ! cp -R --preserve=mode,timestamps,links '${bundleMount}/.' '${installDir}.copy'; then
  echo "copying the bundle to ${installDir}.copy failed: the engine runs from the disk, and the next boot tries again" >&2
  rm -rf '${installDir}.copy'; exit 1
fi
rmdir '${installDir}.copy/lost+found' 2>/dev/null || true # ext4's own, empty
sync -f '${installDir}.copy'
# the link is replaced only when it is still there (an upgrade over SSH may have put a bundle in its place meanwhile)
if [ "$(readlink '${installDir}')" = '${bundleMount}' ]; then rm -f '${installDir}' && mv -T '${installDir}.copy' '${installDir}'; fi
rm -rf '${installDir}.copy'
sed -i '\| ${bundleMount} |d' '${fstab}'
JMACHINE_EOF
  # the digest (~1 s of CPU under TCG) at the default share of the CPUs: done before SSH answers, while the engine,
  # which create waits for, keeps its larger share
  systemd-run --quiet --no-block --unit=jmachine-engine-bundle-copy -p DefaultDependencies=no -p Conflicts=shutdown.target \
    -p Before=shutdown.target /bin/sh "$(dirname '${checkMarker}')/engine-bundle-copy.sh"
fi
</#if>
