package io.jmachine.engine.ports;

import io.jmachine.engine.errors.EngineException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PortAllocatorTest {

    private static final ContainerPort WEB = new ContainerPort(80, Protocol.TCP);
    private static final ContainerPort DNS = new ContainerPort(53, Protocol.UDP);

    private final PortAllocator allocator = new PortAllocator();

    @Test
    void aFixedPortHeldByAnotherContainerIsAlreadyAllocated() {
        allocator.hold("a", Protocol.TCP, "127.0.0.1", 18080);
        EngineException e = assertThrows(EngineException.class,
                () -> allocator.candidates(new PortRequest(WEB, "127.0.0.1", 18080, 18080)));
        assertEquals("Bind for 127.0.0.1:18080 failed: port is already allocated", e.getMessage());
    }

    @Test
    void everyAddressClashesWithOneAddressBothWays() {
        allocator.hold("a", Protocol.TCP, "0.0.0.0", 8080);
        assertThrows(EngineException.class, () -> allocator.candidates(new PortRequest(WEB, "127.0.0.1", 8080, 8080)));
        allocator.releaseAll("a");
        allocator.hold("a", Protocol.TCP, "127.0.0.1", 8080);
        assertThrows(EngineException.class, () -> allocator.hold("b", Protocol.TCP, "0.0.0.0", 8080));
    }

    @Test
    void differentAddressesOrProtocolsDoNotClash() {
        allocator.hold("a", Protocol.TCP, "127.0.0.1", 8080);
        assertDoesNotThrow(() -> allocator.hold("b", Protocol.TCP, "127.0.0.2", 8080));
        assertDoesNotThrow(() -> allocator.hold("c", Protocol.UDP, "0.0.0.0", 8080));
        assertEquals(List.of(8080), allocator.candidates(new PortRequest(WEB, "127.0.0.3", 8080, 8080)));
        assertThrows(EngineException.class, () -> allocator.candidates(new PortRequest(DNS, "127.0.0.3", 8080, 8080)));
    }

    @Test
    void aRangeSkipsHeldPortsAndFailsWhenAllAreHeld() {
        allocator.hold("a", Protocol.TCP, "0.0.0.0", 8000);
        allocator.hold("a", Protocol.TCP, "0.0.0.0", 8001);
        assertEquals(List.of(8002), allocator.candidates(new PortRequest(WEB, "0.0.0.0", 8000, 8002)));
        allocator.hold("b", Protocol.TCP, "0.0.0.0", 8002);
        EngineException e = assertThrows(EngineException.class, () -> allocator.candidates(new PortRequest(WEB, "0.0.0.0", 8000, 8002)));
        assertTrue(e.getMessage().contains("0.0.0.0:8000-8002") && e.getMessage().contains("already allocated"), e.getMessage());
    }

    @Test
    void anyPortLeavesTheChoiceToTheKernel() {
        assertEquals(List.of(0), allocator.candidates(new PortRequest(WEB, "0.0.0.0", 0, 0)));
    }

    @Test
    void releasingAnOwnerFreesOnlyItsPorts() {
        allocator.hold("a", Protocol.TCP, "0.0.0.0", 8000);
        allocator.hold("b", Protocol.TCP, "0.0.0.0", 8001);
        allocator.releaseAll("a");
        assertEquals(0, allocator.heldBy("a"));
        assertEquals(1, allocator.heldBy("b"));
        assertEquals(List.of(8000), allocator.candidates(new PortRequest(WEB, "0.0.0.0", 8000, 8001)));
    }
}
