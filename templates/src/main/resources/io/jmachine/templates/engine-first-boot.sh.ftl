<#-- model: device, diskSize, diskSha256 (of what the disk holds: the bundle's tar, gzip-compressed when gzip),
     bundleSha256 (the .tar.gz's, recorded for the install over SSH), installDir, files (list of {path, mode, base64}), service -->
# jmachine: at first boot, installs jmachine-engine from the bundle disk ${device} and the files below, and starts it
# while the rest of the boot goes on; later boots leave it to systemd (an upgrade over SSH may have replaced it since)
set -e
done_marker=/var/lib/jmachine/first-boot-done
if [ -e "$done_marker" ]; then exit 0; fi
<#list files as f>
mkdir -p "$(dirname '${f.path}')"
printf '%s' '${f.base64}' | base64 -d > '${f.path}.tmp' && chmod ${f.mode} '${f.path}.tmp' && mv '${f.path}.tmp' '${f.path}'
</#list>
i=0; while [ ! -b '${device}' ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
rm -rf '${installDir}.new'; mkdir -p '${installDir}.new'
# one read of the disk, digested while it is unpacked (beside the install dir, which it replaces only when the digest
# matches): a second pass for the digest alone took 1-1.7 s under TCG, here on SSH's critical path (bootcmd)
sums=/run/jmachine-bundle.sha256; rm -f "$sums.fifo"; mkfifo "$sums.fifo"
sha256sum < "$sums.fifo" > "$sums" &
head -c ${diskSize?c} '${device}' | tee "$sums.fifo" | tar -x<#if gzip>z</#if> -C '${installDir}.new' --strip-components=1 --no-same-owner
wait $!; rm -f "$sums.fifo"
grep -q '^${diskSha256} ' "$sums" || { echo "the bundle disk ${device} does not hold the bundle jmachine wrote (its sha256 differs)" >&2; rm -rf '${installDir}.new'; exit 1; }
echo '${bundleSha256}' > '${installDir}.new/.bundle-sha256'
rm -rf '${installDir}'; mv '${installDir}.new' '${installDir}'
mkdir -p /etc/systemd/system/multi-user.target.wants
ln -sf '/etc/systemd/system/${service}.service' '/etc/systemd/system/multi-user.target.wants/${service}.service'
# no daemon-reload (2-4 s under TCG, on SSH's and the engine's path): systemd (since 246) loads a unit file written
# after it looked for it, even one it had noted as not found (the host folders' unit names it in Before=), when it is
# started; the symlink above is for the later boots
# this first start only (a drop-in under /run), the engine starts now rather than after cloud-init's init stage and the
# rest of sysinit.target (seconds under TCG, which all of create waits for), and ahead of the rest of the boot for the
# CPUs (cloud-init's later stages, sshd, the provisioner's commands); later boots keep the unit's own ordering
mkdir -p '/run/systemd/system/${service}.service.d'
cat > '/run/systemd/system/${service}.service.d/50-first-boot.conf' <<'JMACHINE_EOF'
[Unit]
DefaultDependencies=no
After=local-fs.target network.target
Conflicts=shutdown.target
Before=shutdown.target
[Service]
StartupCPUWeight=1000
JMACHINE_EOF
systemctl start --no-block '${service}'
mkdir -p "$(dirname "$done_marker")" && touch "$done_marker"
