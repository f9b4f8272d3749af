package io.jmachine.templates;

/** Every template this module ships, by the resource it is read from. */
public enum TemplateName {
    /** A libvirt domain: qcow2 disk, NoCloud seed, and user-mode networking with forwards through qemu:commandline. */
    LIBVIRT_DOMAIN("libvirt-domain.xml.ftl"),
    /** cloud-init NoCloud user-data: user, SSH key, pinned SSH host key. */
    CLOUD_INIT_USER_DATA("cloud-init/user-data.ftl"),
    /** cloud-init NoCloud meta-data: instance id and hostname. */
    CLOUD_INIT_META_DATA("cloud-init/meta-data.ftl"),
    /** The systemd unit that runs jmachine-engine from its bundle. */
    ENGINE_SYSTEMD_UNIT("jmachine-engine.service.ftl"),
    /** The engine's JSON config file (the keys of its flags, as dockerd's daemon.json). */
    ENGINE_CONFIG("engine-config.json.ftl"),
    /** A shell script that installs and starts the engine at a host's first boot, from a bundle disk (cloud-init bootcmd). */
    ENGINE_FIRST_BOOT("engine-first-boot.sh.ftl");

    private final String resource;

    TemplateName(String resource) {
        this.resource = resource;
    }

    public String resource() {
        return resource;
    }
}
