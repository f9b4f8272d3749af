package io.jmachine.provisioner;

import io.jmachine.drivers.Driver;
import io.jmachine.drivers.MachineContext;
import io.jmachine.provisioner.engine.ClientTls;
import io.jmachine.provisioner.store.MachineConfig;

import java.nio.file.Path;

/** A stored machine with its driver, ready to act on. */
public record Machine(MachineConfig config, Driver driver, MachineContext context) {

    public String name() {
        return config.name();
    }

    /** DOCKER_CERT_PATH for this machine: its folder holds ca.pem, cert.pem and key.pem. */
    public Path certPath() {
        return context.machineDir();
    }

    public Path serverCert() {
        return context.machineDir().resolve("server.pem");
    }

    public Path serverKey() {
        return context.machineDir().resolve("server-key.pem");
    }

    /** The client files the docker CLI uses for this machine. */
    public ClientTls clientTls() {
        return ClientTls.inDirectory(certPath());
    }
}
