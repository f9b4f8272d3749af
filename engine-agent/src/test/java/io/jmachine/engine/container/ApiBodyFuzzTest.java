package io.jmachine.engine.container;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.EngineJson;
import io.jmachine.engine.build.Substitution;
import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.filters.Filters;
import io.jmachine.engine.image.ImageFilters;
import io.jmachine.engine.network.IpamPool;
import io.jmachine.engine.network.Ipv4Subnet;
import io.jmachine.engine.network.NetworkFilters;
import io.jmachine.engine.volume.VolumeFilters;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What clients send in bodies and query strings, read with the engine's own JSON mapper and checked as the routes
 * check them: every input is taken or refused with an EngineException (a 4xx) or a Jackson error (a 400), never
 * another exception (which the API would answer with a 500). The corpus (ApiBodyFuzzTestInputs) runs in every build.
 */
class ApiBodyFuzzTest {

    private static final ObjectMapper JSON = EngineJson.mapper();
    private static final ImageAccess.ImageDefaults IMAGE = new ImageAccess.ImageDefaults(List.of("PATH=/bin"), List.of("sh"),
            List.of(), "", "", Map.of(), "", Map.of(), Map.of(), null);

    @FuzzTest(maxDuration = "30s")
    void aContainerCreateBodyIsTakenOrRefused(FuzzedDataProvider data) {
        try {
            JsonNode body = JSON.readTree(data.consumeRemainingAsString());
            if (body == null || !body.isObject()) {
                return;
            }
            ContainerConfig config = JSON.treeToValue(body, ContainerConfig.class);
            HostConfig host = body.hasNonNull("HostConfig") ? JSON.treeToValue(body.get("HostConfig"), HostConfig.class) : null;
            if (config == null || config.image() == null) {
                return;
            }
            HostConfig adapted = CreateSettings.adapt(config, host != null ? host : HostConfig.defaults(), HostDefaults.RUNC_ON_CGROUP_V2,
                    new ArrayList<>());
            RestartPolicy.validate(adapted.restartPolicy(), adapted.autoRemove());
            SecurityOptions.parse(adapted.securityOpt() == null ? List.of() : adapted.securityOpt());
            ContainerCreation.commandLine(ContainerCreation.merge(config, IMAGE, "0123456789ab"));
        } catch (EngineException | JsonProcessingException refused) {
            // a 400 naming what is wrong
        }
    }

    @FuzzTest(maxDuration = "30s")
    void aNetworkCreateBodyIsTakenOrRefused(FuzzedDataProvider data) {
        try {
            JsonNode body = JSON.readTree(data.consumeRemainingAsString());
            if (body == null) {
                return;
            }
            for (JsonNode config : body.path("IPAM").path("Config")) {
                IpamPool pool = JSON.treeToValue(config, IpamPool.class);
                for (String cidr : new String[] {pool.subnet(), pool.ipRange()}) {
                    if (cidr != null) {
                        Ipv4Subnet.parse(cidr);
                    }
                }
                if (pool.gateway() != null) {
                    Ipv4Subnet.parseAddress(pool.gateway());
                }
            }
        } catch (EngineException | JsonProcessingException | IllegalArgumentException refused) {
            // the routes answer a bad subnet or address with a 400 naming it
        }
    }

    @FuzzTest(maxDuration = "30s")
    void buildArgsSubstituteIntoAnyWord(FuzzedDataProvider data) {
        String word = data.consumeString(200);
        try {
            Map<String, String> args = JSON.readValue(data.consumeRemainingAsString(),
                    JSON.getTypeFactory().constructMapType(Map.class, String.class, String.class));
            if (args == null) {
                return;
            }
            Substitution substitution = new Substitution('\\', args);
            substitution.word(word);
            substitution.words(word);
        } catch (EngineException | JsonProcessingException | io.jmachine.engine.build.BuildException refused) {
            // a bad buildargs value is a 400; a bad substitution fails the build with its message
        }
    }

    @FuzzTest(maxDuration = "30s")
    void anyFiltersQueryIsCheckedOrRefusedOnEveryList(FuzzedDataProvider data) {
        Filters filters;
        try {
            filters = Filters.parse(data.consumeRemainingAsString(), JSON);
        } catch (EngineException refused) {
            return;
        }
        List<Runnable> checks = List.of(
                () -> ContainerFilters.forList(filters, id -> {
                    throw EngineException.notFound("No such container: " + id);
                }),
                () -> ContainerFilters.PRUNE.check(filters),
                () -> NetworkFilters.LIST.check(filters),
                () -> NetworkFilters.PRUNE.check(filters),
                () -> ImageFilters.forList(filters),
                () -> ImageFilters.forPrune(filters),
                () -> VolumeFilters.forList(filters),
                () -> VolumeFilters.forPrune(filters));
        for (Runnable check : checks) {
            try {
                check.run();
            } catch (EngineException refused) {
                // a 400 (or the 404 of a before= that names nothing)
            }
        }
    }
}
