package io.jmachine.drivers.kvm;

import io.jmachine.drivers.PreCreateCheckException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AccelChoiceTest {

    private static final String BARE_METAL_VMX = "processor\t: 0\nflags\t\t: fpu vme de pse vmx sse2\n";
    private static final String NESTED_VMX = "processor\t: 0\nflags\t\t: fpu vmx sse2 hypervisor\n";
    private static final String NO_VIRT = "processor\t: 0\nflags\t\t: fpu vme sse2 hypervisor\n";

    @Test
    void autoTakesKvmOnlyOnBareMetalWithVmxAndDevKvm() {
        assertEquals(Accel.KVM, new AccelChoice(BARE_METAL_VMX, true).choose("auto"));
        assertEquals(Accel.TCG, new AccelChoice(BARE_METAL_VMX, false).choose("auto"));
        assertEquals(Accel.TCG, new AccelChoice(NO_VIRT, true).choose("auto"));
        assertEquals(Accel.TCG, new AccelChoice(NESTED_VMX, true).choose("auto"), "nested KVM hangs guests: auto avoids it");
    }

    @Test
    void svmCountsAsVmx() {
        assertEquals(Accel.KVM, new AccelChoice("flags : fpu svm\n", true).choose("AUTO"));
    }

    @Test
    void explicitChoices() {
        assertEquals(Accel.TCG, new AccelChoice(BARE_METAL_VMX, true).choose("tcg"));
        assertEquals(Accel.KVM, new AccelChoice(NESTED_VMX, true).choose("kvm"), "kvm is forced even when nested");
        assertThrows(PreCreateCheckException.class, () -> new AccelChoice(NO_VIRT, true).choose("kvm"));
        assertThrows(PreCreateCheckException.class, () -> new AccelChoice(BARE_METAL_VMX, false).choose("kvm"));
        assertThrows(PreCreateCheckException.class, () -> new AccelChoice(BARE_METAL_VMX, true).choose("hvf"));
    }

    @Test
    void domainTypes() {
        assertEquals("kvm", Accel.KVM.domainType());
        assertEquals("qemu", Accel.TCG.domainType());
    }
}
