<#-- model: device, bundleSize, bundleSha256, installDir, files (list of {path, mode, base64}), service -->
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
head -c ${bundleSize?c} '${device}' | sha256sum | grep -q '^${bundleSha256} '
rm -rf '${installDir}.new'; mkdir -p '${installDir}.new'
head -c ${bundleSize?c} '${device}' | tar -xz -C '${installDir}.new' --strip-components=1 --no-same-owner
echo '${bundleSha256}' > '${installDir}.new/.bundle-sha256'
rm -rf '${installDir}'; mv '${installDir}.new' '${installDir}'
mkdir -p /etc/systemd/system/multi-user.target.wants
ln -sf '/etc/systemd/system/${service}.service' '/etc/systemd/system/multi-user.target.wants/${service}.service'
systemctl daemon-reload
systemctl start --no-block '${service}'
mkdir -p "$(dirname "$done_marker")" && touch "$done_marker"
