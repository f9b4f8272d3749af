package io.jmachine.drivers.none;

import io.jmachine.drivers.Progress;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.DriverOptions;
import io.jmachine.drivers.MachineContext;
import io.jmachine.drivers.MachineState;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NoneDriverTest {

    private final MachineContext context = new MachineContext("n1", Path.of("/store/machines/n1"), Path.of("/store"));

    @Test
    void recordsATcpEngineUrl() {
        NoneDriver driver = new NoneDriver(URI.create("tcp://10.0.0.5:2376"));
        assertEquals("none", driver.name());
        assertEquals(URI.create("tcp://10.0.0.5:2376"), driver.engineUrl());
        assertEquals("10.0.0.5", driver.ipAddress());
        assertEquals(MachineState.RUNNING, driver.state());
        assertEquals("Running", driver.state().display());
        assertTrue(driver.ssh().isEmpty(), "no SSH: nothing is provisioned");
    }

    @Test
    void refusesAnUrlWithoutPortOrOfAnotherScheme() {
        var e = assertThrows(IllegalArgumentException.class, () -> new NoneDriver(URI.create("tcp://10.0.0.5")));
        assertTrue(e.getMessage().contains("tcp://HOST:PORT"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new NoneDriver(URI.create("http://10.0.0.5:2376")));
    }

    @Test
    void theFactoryNeedsUrlAndRestoresWhatItStored() {
        NoneDriverFactory factory = new NoneDriverFactory();
        var missing = assertThrows(DriverException.class,
                () -> factory.newDriver(context, new DriverOptions(factory.flags(), Map.of())));
        assertTrue(missing.getMessage().contains("--url"), missing.getMessage());

        NoneDriver driver = (NoneDriver) factory.newDriver(context,
                new DriverOptions(factory.flags(), Map.of("--url", "tcp://10.0.0.5:2376")));
        ObjectMapper json = new ObjectMapper();
        var stored = json.valueToTree(driver.settings());
        assertEquals("tcp://10.0.0.5:2376", stored.get("URL").asText());
        assertEquals(URI.create("tcp://10.0.0.5:2376"), factory.restore(context, stored, Map.of()).engineUrl());
    }

    @Test
    void lifecycleVerbsSayThatNothingIsManaged() {
        NoneDriver driver = new NoneDriver(URI.create("tcp://10.0.0.5:2376"));
        var e = assertThrows(DriverException.class, () -> driver.stop(Progress.silent()));
        assertTrue(e.getMessage().contains("manages no host"), e.getMessage());
        driver.remove();
        assertFalse(driver.wantsGeneratedSshKey());
    }
}
