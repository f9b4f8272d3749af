package io.jmachine.engine.container;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.runtime.cgroup.CgroupFeatures;
import io.jmachine.engine.runtime.cgroup.CpuList;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class UpdateConfigTest {

    /** A cgroup v1 host like the build host: swap accounting and kernel memory files, no block I/O weight. */
    private static final CgroupFeatures V1 = new CgroupFeatures(true, true, true, true, false, CpuList.parse("0-1"), CpuList.parse("0"));
    /** A cgroup v2 guest with the io controller. */
    private static final CgroupFeatures V2 = new CgroupFeatures(true, false, false, false, true, CpuList.parse("0-3"), CpuList.parse("0"));

    private static UpdateConfig of(long memory, long memorySwap, long kernelMemory, int blkioWeight, Long pidsLimit, Long swappiness) {
        return new UpdateConfig(0, memory, 0, blkioWeight, 0, 0, 0, 0, null, null, kernelMemory, 0, memorySwap, swappiness, null, pidsLimit,
                0, 0, 0, null);
    }

    @Test
    void aKernelMemoryLimitIsKeptWithDockerdsWarningWhereTheHostHasItAndDroppedWhereNot() {
        UpdateConfig.Verified v1 = of(0, 0, 10L << 20, 0, null, null).verify(V1, 2);
        assertEquals(10L << 20, v1.config().kernelMemory());
        assertEquals(List.of("Specifying a kernel memory limit is deprecated and will be removed in a future release."), v1.warnings());
        UpdateConfig.Verified v2 = of(0, 0, 10L << 20, 0, null, null).verify(V2, 2);
        assertEquals(0, v2.config().kernelMemory());
        assertEquals(2, v2.warnings().size());
        assertEquals("Minimum kernel memory limit allowed is 6MB",
                assertThrows(EngineException.class, () -> of(0, 0, 1000, 0, null, null).verify(V1, 2)).getMessage());
    }

    @Test
    void aBlockIoWeightIsDroppedWithDockerdsWarningWhereTheHostLacksItAndRefusedByNameWhereNot() {
        UpdateConfig.Verified v1 = of(0, 0, 0, 300, null, null).verify(V1, 2);
        assertEquals(0, v1.config().blkioWeight());
        assertEquals(List.of("Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded."), v1.warnings());
        EngineException refused = assertThrows(EngineException.class, () -> of(0, 0, 0, 300, null, null).verify(V2, 2));
        assertEquals(EngineException.Kind.INVALID, refused.kind());
        assertEquals("BlkioWeight cannot be updated: jmachine-engine does not give containers a block I/O weight", refused.getMessage());
        assertEquals("Range of blkio weight is from 10 to 1000",
                assertThrows(EngineException.class, () -> of(0, 0, 0, 5, null, null).verify(V2, 2)).getMessage());
    }

    @Test
    void pidsLimitsOfZeroOrLessLiftTheLimitAndSwappinessMinusOneIsNone() {
        assertEquals(0L, of(0, 0, 0, 0, -5L, null).pidsLimit());
        assertEquals(50L, of(0, 0, 0, 0, 50L, null).pidsLimit());
        assertNull(of(0, 0, 0, 0, null, -1L).memorySwappiness());
    }

    @Test
    void withoutSwapAccountingAMemoryLimitGoesWithUnlimitedSwapAndDockerdsWarning() {
        CgroupFeatures noSwap = new CgroupFeatures(false, false, true, true, false, CpuList.parse("0"), CpuList.parse("0"));
        UpdateConfig.Verified verified = of(64L << 20, 128L << 20, 0, 0, null, null).verify(noSwap, 1);
        assertEquals(-1, verified.config().memorySwap());
        assertEquals(List.of("Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap."),
                verified.warnings());
    }
}
