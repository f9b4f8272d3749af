package io.jmachine.drivers.kvm;

/** How QEMU runs the guest's CPU: hardware virtualization, or QEMU's own translator. */
public enum Accel {
    KVM("kvm"),
    TCG("qemu");

    private final String domainType;

    Accel(String domainType) {
        this.domainType = domainType;
    }

    /** The libvirt domain type that selects it: {@code <domain type='kvm'>} or {@code 'qemu'} (TCG). */
    public String domainType() {
        return domainType;
    }
}
