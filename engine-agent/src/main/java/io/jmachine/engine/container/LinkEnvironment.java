package io.jmachine.engine.container;

import io.jmachine.engine.errors.EngineException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The variables a legacy link ({@code --link name:alias}) gives a container on the default bridge, as moby's
 * daemon/links ToEnv writes them: {@code ALIAS_PORT}, one group per exposed port, a START/END group per run of
 * contiguous ports, {@code ALIAS_NAME} and the linked container's own variables as {@code ALIAS_ENV_*}.
 */
final class LinkEnvironment {

    private record Port(int number, String proto) {
    }

    private LinkEnvironment() {
    }

    /**
     * Every link's variables; links are read as dockerd does at start: from containers that run, on the default bridge.
     *
     * @throws EngineException CONFLICT, when a linked container does not run
     */
    static List<String> of(ContainerRecord container, java.util.function.Function<String, ContainerRecord> find) {
        List<String> env = new ArrayList<>();
        if (container.hostConfig().links() == null || !"bridge".equals(container.hostConfig().networkMode())) {
            return env;
        }
        for (String raw : container.hostConfig().links()) {
            Links.Link link = Links.parse(raw);
            ContainerRecord child = find.apply(link.target());
            if (child == null || !child.state().isAlive()) {
                throw EngineException.conflict("Cannot link to a non running container: /" + link.target() + " AS /" + container.name()
                        + "/" + link.alias());
            }
            String ip = child.network() == null ? "" : child.network().ipAddress();
            env.addAll(of("/" + container.name() + "/" + link.alias(), ip == null ? "" : ip, child.config().env(),
                    child.config().exposedPorts()));
        }
        return env;
    }

    /** moby's Link.ToEnv for one link named {@code /parent/alias}. */
    static List<String> of(String name, String childIp, List<String> childEnv, Map<String, Object> exposedPorts) {
        String alias = name.substring(name.lastIndexOf('/') + 1).toUpperCase(Locale.ROOT).replace('-', '_');
        List<Port> ports = new ArrayList<>();
        for (String spec : exposedPorts == null ? List.<String>of() : exposedPorts.keySet()) {
            int slash = spec.indexOf('/');
            ports.add(new Port(Integer.parseInt(slash < 0 ? spec : spec.substring(0, slash)), slash < 0 ? "tcp" : spec.substring(slash + 1)));
        }
        // by number, tcp first for the same number
        ports.sort(Comparator.comparingInt(Port::number).thenComparing(p -> !p.proto().equalsIgnoreCase("tcp")));
        List<String> env = new ArrayList<>();
        if (!ports.isEmpty()) {
            Port first = ports.getFirst();
            env.add(alias + "_PORT=" + first.proto() + "://" + childIp + ":" + first.number());
        }
        for (int i = 0; i < ports.size(); ) {
            Port p = ports.get(i);
            int j = nextContiguous(ports, p.number(), i);
            if (j > i + 1) {
                String prefix = alias + "_PORT_" + p.number() + "_" + p.proto().toUpperCase(Locale.ROOT);
                Port q = ports.get(j);
                env.add(prefix + "_START=" + p.proto() + "://" + childIp + ":" + p.number());
                env.add(prefix + "_ADDR=" + childIp);
                env.add(prefix + "_PROTO=" + p.proto());
                env.add(prefix + "_PORT_START=" + p.number());
                String endPrefix = alias + "_PORT_" + p.number() + "_" + q.proto().toUpperCase(Locale.ROOT);
                env.add(endPrefix + "_END=" + q.proto() + "://" + childIp + ":" + q.number());
                env.add(endPrefix + "_PORT_END=" + q.number());
                i = j + 1;
            } else {
                i++;
            }
        }
        for (Port p : ports) {
            String prefix = alias + "_PORT_" + p.number() + "_" + p.proto().toUpperCase(Locale.ROOT);
            env.add(prefix + "=" + p.proto() + "://" + childIp + ":" + p.number());
            env.add(prefix + "_ADDR=" + childIp);
            env.add(prefix + "_PORT=" + p.number());
            env.add(prefix + "_PROTO=" + p.proto());
        }
        env.add(alias + "_NAME=" + name);
        for (String variable : childEnv == null ? List.<String>of() : childEnv) {
            int eq = variable.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = variable.substring(0, eq);
            // dockerd leaves out what docker build adds, which means nothing to the linking container
            if (!key.equals("HOME") && !key.equals("PATH")) {
                env.add(alias + "_ENV_" + key + "=" + variable.substring(eq + 1));
            }
        }
        return env;
    }

    private static int nextContiguous(List<Port> ports, int value, int index) {
        if (index + 1 == ports.size()) {
            return index;
        }
        for (int i = index + 1; i < ports.size(); i++) {
            if (ports.get(i).number() > value + 1) {
                return i - 1;
            }
            value++;
        }
        return ports.size() - 1;
    }
}
