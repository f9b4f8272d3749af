<#-- model: name, uuid, memoryMiB, cpus, accel (kvm|qemu), diskPath, seedPath, bundlePath (optional: a raw disk the guest sees
     as /dev/disk/by-id/virtio-jmbundle), consoleLog (optional: a file that keeps the serial console's output),
     kernel/initrd/cmdline (optional: direct kernel boot), network (user|libvirt network name), mac (optional: the NIC's MAC on a libvirt network),
     forwards: list of {hostIp, hostPort, guestPort} for user-mode networking,
     dacLabel (optional: the uid:gid QEMU runs as),
     mounts (optional): list of {source, tag} host folders shared with virtio-fs (libvirt runs a virtiofsd for each) -->
<domain type='${accel}' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>${name}</name>
  <uuid>${uuid}</uuid>
  <memory unit='MiB'>${memoryMiB?c}</memory>
  <vcpu>${cpus?c}</vcpu>
<#if (mounts![])?has_content>
  <#-- virtio-fs needs the guest's memory shared with virtiofsd -->
  <memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking>
</#if>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
<#if kernel??>
    <kernel>${kernel}</kernel>
    <initrd>${initrd}</initrd>
    <cmdline>${cmdline}</cmdline>
<#else>
    <boot dev='hd'/>
</#if>
  </os>
  <features><acpi/><apic/></features>
<#if accel == "kvm">
  <cpu mode='host-passthrough'/>
</#if>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='${diskPath}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <#-- the seed on virtio, not a SATA CD-ROM: Debian's cloud kernel has no AHCI nor CD-ROM driver; NoCloud finds it by its label -->
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='${seedPath}'/>
      <target dev='vdb' bus='virtio'/>
      <readonly/>
    </disk>
<#if bundlePath??>
    <#-- the engine bundle, read by the guest at its first boot instead of an upload over SSH -->
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='${bundlePath}'/>
      <target dev='vdc' bus='virtio'/>
      <readonly/>
      <serial>jmbundle</serial>
    </disk>
</#if>
<#if network != "user">
    <interface type='network'>
      <source network='${network}'/>
<#if mac??>
      <mac address='${mac}'/>
</#if>
      <model type='virtio'/>
    </interface>
</#if>
<#list mounts![] as m>
    <filesystem type='mount' accessmode='passthrough'>
      <driver type='virtiofs'/>
      <source dir='${m.source?xml}'/>
      <target dir='${m.tag}'/>
    </filesystem>
</#list>
    <serial type='pty'><#if consoleLog??><log file='${consoleLog}' append='on'/></#if><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>
  </devices>
<#if dacLabel??>
  <seclabel type='static' model='dac' relabel='no'><label>${dacLabel}</label></seclabel>
</#if>
<#if network == "user">
  <#-- libvirt 9.0 has no passt backend: a user-mode netdev with no route out (restrict=on) and forwards to 127.0.0.1 -->
  <qemu:commandline>
    <qemu:arg value='-netdev'/>
    <qemu:arg value='user,id=n0,restrict=on<#list forwards as f>,hostfwd=tcp:${f.hostIp}:${f.hostPort?c}-:${f.guestPort?c}</#list>'/>
    <qemu:arg value='-device'/>
    <qemu:arg value='virtio-net-pci,netdev=n0,bus=pci.0,addr=0x1e'/>
  </qemu:commandline>
</#if>
</domain>
