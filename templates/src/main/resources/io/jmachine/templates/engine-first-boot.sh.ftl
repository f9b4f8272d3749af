<#-- model: device, bundleSize, bundleSha256, installDir, files (list of {path, mode, base64}), service,
     installService (the oneshot unit that does the install) -->
# jmachine: at first boot, installs jmachine-engine from the bundle disk ${device} and the files below, and starts it
# while the rest of the boot goes on; later boots leave it to systemd (an upgrade over SSH may have replaced it since).
# The bundle's digest and unpacking run in a unit of their own, started without waiting: they take seconds under TCG,
# and here (cloud-init's init stage) they would hold up SSH; the install over SSH waits for that unit instead.
set -e
done_marker=/var/lib/jmachine/first-boot-done
if [ -e "$done_marker" ]; then exit 0; fi
<#list files as f>
mkdir -p "$(dirname '${f.path}')"
printf '%s' '${f.base64}' | base64 -d > '${f.path}.tmp' && chmod ${f.mode} '${f.path}.tmp' && mv '${f.path}.tmp' '${f.path}'
</#list>
mkdir -p /var/lib/jmachine
cat > /var/lib/jmachine/engine-install.sh <<'JMACHINE_INSTALL_EOF'
set -e
i=0; while [ ! -b '${device}' ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
rm -rf '${installDir}.new'; mkdir -p '${installDir}.new'
# one read of the disk, digested while it is unpacked (beside the install dir, which it replaces only when the digest
# matches): a second pass for the digest alone took seconds under TCG
sums=/run/jmachine-bundle.sha256; rm -f "$sums.fifo"; mkfifo "$sums.fifo"
sha256sum < "$sums.fifo" > "$sums" &
head -c ${bundleSize?c} '${device}' | tee "$sums.fifo" | tar -xz -C '${installDir}.new' --strip-components=1 --no-same-owner
wait $!; rm -f "$sums.fifo"
grep -q '^${bundleSha256} ' "$sums" || { echo "the bundle disk ${device} does not hold the bundle jmachine wrote (its sha256 differs)" >&2; rm -rf '${installDir}.new'; exit 1; }
echo '${bundleSha256}' > '${installDir}.new/.bundle-sha256'
rm -rf '${installDir}'; mv '${installDir}.new' '${installDir}'
# enabled for later boots only now that it is in place; systemd knows the unit already (bootcmd's daemon-reload)
mkdir -p /etc/systemd/system/multi-user.target.wants
ln -sf '/etc/systemd/system/${service}.service' '/etc/systemd/system/multi-user.target.wants/${service}.service'
systemctl start --no-block '${service}'
touch /var/lib/jmachine/first-boot-done
JMACHINE_INSTALL_EOF
cat > '/etc/systemd/system/${installService}.service' <<'JMACHINE_UNIT_EOF'
[Unit]
Description=jmachine: install the engine from its bundle disk (first boot)
# started from cloud-init's init stage, before sysinit.target: no default dependencies, or it would wait for the boot
DefaultDependencies=no
ConditionPathExists=!/var/lib/jmachine/first-boot-done
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh /var/lib/jmachine/engine-install.sh
JMACHINE_UNIT_EOF
systemctl daemon-reload
systemctl start --no-block '${installService}'
