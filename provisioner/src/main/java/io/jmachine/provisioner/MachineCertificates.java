package io.jmachine.provisioner;

import io.jmachine.drivers.MachineContext;
import io.jmachine.provisioner.store.AtomicFiles;
import io.jmachine.provisioner.store.AuthOptions;
import io.jmachine.provisioner.store.HostOptions;
import io.jmachine.provisioner.store.MachineConfig;
import io.jmachine.provisioner.store.MachineStore;
import io.jmachine.provisioner.tls.CertificateAuthority;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A machine's TLS files as Docker Machine lays them out: copies of the store's client files in its folder (so that
 * the folder alone is a DOCKER_CERT_PATH), and a server certificate for the addresses its engine is reached at.
 */
final class MachineCertificates {

    private final MachineStore store;
    private final CertificateAuthority ca;

    MachineCertificates(MachineStore store, CertificateAuthority ca) {
        this.store = store;
        this.ca = ca;
    }

    /** Where machine.json says the machine's TLS files are. */
    AuthOptions authOptions(MachineContext context) {
        Path dir = context.machineDir();
        return new AuthOptions(dir.toString(), ca.caCert().toString(), ca.caKey().toString(), ca.clientCert().toString(),
                ca.clientKey().toString(), dir.resolve("server.pem").toString(), dir.resolve("server-key.pem").toString(),
                "ca.pem", "server.pem", "server-key.pem", store.location().root().toString(), List.of());
    }

    void copyClientFiles(MachineContext context) throws IOException {
        Path dir = context.machineDir();
        Files.copy(ca.caCert(), dir.resolve("ca.pem"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(ca.clientCert(), dir.resolve("cert.pem"), StandardCopyOption.REPLACE_EXISTING);
        byte[] key = Files.readAllBytes(ca.clientKey());
        AtomicFiles.write(dir.resolve("key.pem"), key, AtomicFiles.OWNER_ONLY);
    }

    /** The machine's server certificate when it covers the driver's addresses, else a new one. */
    Machine serverCertificate(Machine machine) throws IOException {
        List<String> sans = CertificateAuthority.serverSans(machine.driver().engineAddresses());
        if (Files.isRegularFile(machine.serverCert()) && Files.isRegularFile(machine.serverKey())
                && machine.config().hostOptions().authOptions().serverCertSans().equals(sans)) {
            return machine;
        }
        return issueServerCertificate(machine);
    }

    /** A new server certificate for the driver's current addresses, kept in the store with them. */
    Machine issueServerCertificate(Machine machine) throws IOException {
        ca.bootstrap();
        List<String> sans = CertificateAuthority.serverSans(machine.driver().engineAddresses());
        ca.issueServerCertificate(machine.name(), sans, machine.serverCert(), machine.serverKey());
        HostOptions options = machine.config().hostOptions();
        MachineConfig config = machine.config().withHostOptions(options.withAuthOptions(options.authOptions().withServerCertSans(sans)));
        store.save(config);
        return new Machine(config, machine.driver(), machine.context());
    }
}
