package io.jmachine.engine.network;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * A network configuration list, the shape of a CNI {@code .conflist}: plugins that ADD runs in order,
 * each getting the previous one's result, and DEL runs in reverse. The plugin objects carry {@code type}
 * and their own keys; {@code cniVersion} and {@code name} are filled in per call, as libcni does.
 */
public record CniNetworkList(String cniVersion, String name, List<ObjectNode> plugins) {

    public static final String CNI_VERSION = "1.0.0";

    public CniNetworkList {
        if (plugins.isEmpty()) {
            throw new IllegalArgumentException("a CNI network list needs at least one plugin");
        }
        for (ObjectNode plugin : plugins) {
            if (!plugin.path("type").isTextual()) {
                throw new IllegalArgumentException("CNI plugin config without a type: " + plugin);
            }
        }
        plugins = plugins.stream().map(ObjectNode::deepCopy).toList();
    }

    /** The list as a .conflist file would hold it. */
    public ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode list = mapper.createObjectNode();
        list.put("cniVersion", cniVersion);
        list.put("name", name);
        ArrayNode array = list.putArray("plugins");
        plugins.forEach(p -> array.add(p.deepCopy()));
        return list;
    }
}
