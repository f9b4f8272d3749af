package io.jmachine.provisioner.contexts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jmachine.drivers.Progress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A docker context per machine, named after it, in the docker CLI's own store: made and kept up to date by the verbs
 * that change a machine's address or certificates, removed with the machine, and made docker's current context by
 * `jmachine use`. jmachine marks its contexts with the store they belong to (a key of the context's metadata, which
 * the docker CLI keeps) and never overwrites or removes a context without that mark: the machine is then reached
 * through `jmachine env`, and a warning says so.
 */
public final class MachineContexts {

    /** The metadata key that marks a context as jmachine's: the store folder of the machine it belongs to. */
    public static final String STORE_KEY = "jmachine.store";

    // the docker CLI's rule for context names (cli/context/store.ValidateContextName)
    private static final Pattern DOCKER_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.+-]+");
    private static final String DEFAULT = "default";

    /**
     * What a machine's context points at.
     *
     * @param certDir a folder with the client's ca.pem, cert.pem and key.pem (the machine's DOCKER_CERT_PATH)
     */
    public record Target(String name, String host, Path certDir, String description) {}

    /** Who a context of a machine's name belongs to. */
    enum Owner {
        NONE, JMACHINE, FOREIGN,
        /** jmachine's, for a machine of another store that still exists */
        OTHER_STORE,
        /** jmachine's, for a machine of another store that no longer exists: free to take */
        STALE
    }

    private final DockerConfigDir docker;
    private final Path storeRoot;
    private final ContextStore contexts;
    private final DockerConfigFile config;
    private final Progress debug;

    /**
     * @param storeRoot the jmachine store whose machines these are
     * @param debug     where the -D lines go
     */
    public MachineContexts(DockerConfigDir docker, Path storeRoot, Progress debug) {
        this.docker = docker;
        this.storeRoot = storeRoot.toAbsolutePath().normalize();
        this.contexts = new ContextStore(docker.contexts());
        this.config = new DockerConfigFile(docker);
        this.debug = debug;
    }

    public DockerConfigDir docker() {
        return docker;
    }

    public DockerConfigFile config() {
        return config;
    }

    public ContextStore store() {
        return contexts;
    }

    /** Why a machine of this name can have no docker context; empty when it can. */
    public static Optional<String> unfitName(String name) {
        if (DEFAULT.equals(name)) {
            return Optional.of("\"default\" is the docker CLI's own context name");
        }
        if (!DOCKER_NAME.matcher(name).matches()) {
            return Optional.of("docker takes context names of two characters or more, of letters, digits and _.+-");
        }
        return Optional.empty();
    }

    /**
     * Makes the machine's context, or brings it up to date (address, TLS files); one line says what changed, nothing
     * when nothing did. Never fails the verb: a context that cannot be made is a warning, as the machine still works
     * through `jmachine env`.
     */
    public void sync(Target target, Progress progress) {
        String name = target.name();
        Optional<String> unfit = unfitName(name);
        if (unfit.isPresent()) {
            progress.report("no docker context for " + name + ": " + unfit.get() + "; reach it with " + envHint(name));
            return;
        }
        try (DockerConfigLock lock = DockerConfigLock.acquire(docker.lockFile())) {
            syncLocked(target, progress);
        } catch (IOException | RuntimeException e) {
            progress.report("warning: cannot write docker context " + name + " (" + e.getMessage() + "); reach the machine with "
                    + envHint(name));
        }
    }

    private void syncLocked(Target target, Progress progress) throws IOException {
        String name = target.name();
        Optional<ObjectNode> existing = contexts.meta(name);
        Owner owner = owner(name, existing);
        if (owner == Owner.FOREIGN || owner == Owner.OTHER_STORE) {
            progress.report("warning: " + notOurs(name, owner, existing) + ": jmachine leaves it as it is; reach the machine with "
                    + envHint(name));
            return;
        }
        ContextStore.TlsFiles tls = ContextStore.TlsFiles.readFrom(target.certDir());
        if (owner == Owner.JMACHINE && target.host().equals(host(existing.get()))
                && tls.sameAs(contexts.tls(name).orElse(null))) {
            debug.report("docker context " + name + " is up to date (" + contexts.metaFile(name) + ")");
            return;
        }
        ObjectNode meta = owner == Owner.JMACHINE ? existing.get().deepCopy() : DockerJson.JSON.createObjectNode();
        meta.put("Name", name);
        ObjectNode metadata = meta.path("Metadata") instanceof ObjectNode kept ? kept : meta.putObject("Metadata");
        if (!metadata.hasNonNull("Description")) {
            metadata.put("Description", target.description());
        }
        metadata.put(STORE_KEY, storeRoot.toString());
        ObjectNode endpoints = meta.path("Endpoints") instanceof ObjectNode kept ? kept : meta.putObject("Endpoints");
        ObjectNode endpoint = endpoints.path(ContextStore.DOCKER_ENDPOINT) instanceof ObjectNode kept
                ? kept : endpoints.putObject(ContextStore.DOCKER_ENDPOINT);
        endpoint.put("Host", target.host());
        endpoint.put("SkipTLSVerify", false);
        contexts.write(name, meta, tls);
        progress.report("docker context " + name + (owner == Owner.JMACHINE ? " updated" : " made"));
        debug.report("docker context " + name + ": " + contexts.metaFile(name) + ", TLS files in " + contexts.tlsDir(name)
                + (owner == Owner.STALE ? " (it was a context of " + storeOf(existing.get()) + ", whose machine is gone)" : ""));
    }

    /**
     * Removes the machine's context if it is jmachine's (a context of the user's own of that name stays, with a line
     * that says so); if it was docker's current context, docker goes back to its default. Never fails the verb.
     */
    public void remove(String name, Progress progress) {
        if (unfitName(name).isPresent()) {
            return;
        }
        try (DockerConfigLock lock = DockerConfigLock.acquire(docker.lockFile())) {
            Optional<ObjectNode> existing = contexts.meta(name);
            Owner owner = owner(name, existing);
            if (owner == Owner.NONE) {
                return;
            }
            if (owner != Owner.JMACHINE) {
                progress.report(notOurs(name, owner, existing) + ": left as it is");
                return;
            }
            contexts.remove(name);
            boolean wasCurrent = config.resetCurrentContextIf(name);
            progress.report("docker context " + name + " removed" + (wasCurrent ? "; docker's current context is default again" : ""));
        } catch (IOException | RuntimeException e) {
            progress.report("warning: cannot remove docker context " + name + " (" + e.getMessage() + "); remove it with "
                    + "`docker context rm -f " + name + "`");
        }
    }

    /**
     * Makes the machine's context docker's current one, making or updating it first. Fails, with nothing changed, when
     * config.json cannot be read or the context of that name is not jmachine's.
     *
     * @return whether config.json changed
     */
    public boolean use(Target target, Progress progress) {
        String name = target.name();
        unfitName(name).ifPresent(why -> {
            throw new DockerConfigException("machine " + name + " can have no docker context: " + why + "; use " + envHint(name));
        });
        try (DockerConfigLock lock = DockerConfigLock.acquire(docker.lockFile())) {
            config.checkReadable();
            Optional<ObjectNode> existing = contexts.meta(name);
            Owner owner = owner(name, existing);
            if (owner == Owner.FOREIGN || owner == Owner.OTHER_STORE) {
                throw new DockerConfigException(notOurs(name, owner, existing) + ": jmachine changes neither it nor docker's "
                        + "current context; reach the machine with " + envHint(name));
            }
            syncLocked(target, progress);
            return config.setCurrentContext(name);
        } catch (IOException e) {
            throw new DockerConfigException("cannot write docker context " + name + ": " + e.getMessage(), e);
        }
    }

    /** Docker's default context again. @return whether config.json changed */
    public boolean unset() {
        return config.setCurrentContext(null);
    }

    /**
     * The machine of this store that docker's current context is (DOCKER_CONTEXT, else config.json's currentContext),
     * when it is one jmachine made; DOCKER_HOST is the caller's to check first, as it overrides both.
     */
    public Optional<String> currentMachine(Map<String, String> environment) {
        String name = environment.getOrDefault("DOCKER_CONTEXT", "");
        if (name.isBlank()) {
            name = config.currentContext().orElse("");
        }
        if (name.isBlank() || unfitName(name).isPresent() || !Files.isDirectory(machineDir(storeRoot, name))) {
            return Optional.empty();
        }
        return owner(name, contexts.meta(name)) == Owner.JMACHINE ? Optional.of(name) : Optional.empty();
    }

    Owner owner(String name, Optional<ObjectNode> meta) {
        if (meta.isEmpty()) {
            return Owner.NONE;
        }
        String store = storeOf(meta.get());
        if (store.isEmpty()) {
            return Owner.FOREIGN;
        }
        if (Path.of(store).toAbsolutePath().normalize().equals(storeRoot)) {
            return Owner.JMACHINE;
        }
        return Files.isDirectory(machineDir(Path.of(store), name)) ? Owner.OTHER_STORE : Owner.STALE;
    }

    private static String storeOf(ObjectNode meta) {
        JsonNode store = meta.path("Metadata").path(STORE_KEY);
        return store.isTextual() ? store.asText() : "";
    }

    private static Path machineDir(Path store, String name) {
        return store.resolve("machines").resolve(name);
    }

    private static String host(ObjectNode meta) {
        return meta.path("Endpoints").path(ContextStore.DOCKER_ENDPOINT).path("Host").asText("");
    }

    private static String notOurs(String name, Owner owner, Optional<ObjectNode> meta) {
        return owner == Owner.OTHER_STORE
                ? "docker context " + name + " belongs to the machine " + name + " of the jmachine store " + storeOf(meta.get())
                : "docker context " + name + " was not made by jmachine";
    }

    private static String envHint(String name) {
        return "eval $(jmachine env " + name + ")";
    }
}
