package io.jmachine.drivers.none;

import com.fasterxml.jackson.databind.JsonNode;
import io.jmachine.drivers.Driver;
import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.DriverFlag;
import io.jmachine.drivers.DriverFactory;
import io.jmachine.drivers.DriverOptions;
import io.jmachine.drivers.MachineContext;

import java.net.URI;
import java.util.List;
import java.util.Map;

/** `create -d none --url tcp://HOST:PORT NAME`: Docker Machine's none driver. */
public final class NoneDriverFactory implements DriverFactory {

    static final String URL_FLAG = "--url";

    @Override
    public String name() {
        return NoneDriver.NAME;
    }

    @Override
    public String description() {
        return "An engine that already runs at --url; nothing is created or provisioned.";
    }

    @Override
    public List<DriverFlag> flags() {
        // Docker Machine names it --url without the driver's prefix; scripts rely on that
        return List.of(DriverFlag.string(URL_FLAG, "The engine's URL, tcp://HOST:PORT (none driver).", null));
    }

    @Override
    public Driver newDriver(MachineContext context, DriverOptions options) {
        String url = options.string(URL_FLAG);
        if (url == null || url.isBlank()) {
            throw new DriverException("the none driver needs --url tcp://HOST:PORT: the engine it records");
        }
        return new NoneDriver(URI.create(url));
    }

    @Override
    public Driver restore(MachineContext context, JsonNode settings, Map<String, String> secrets) {
        return new NoneDriver(URI.create(settings.path("URL").asText()));
    }
}
