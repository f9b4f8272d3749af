package io.jmachine.provisioner.store;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * Where a machine's TLS files are, locally and on its host (Docker Machine's HostOptions.AuthOptions).
 * Paths only: the keys themselves stay in their own files, readable by the owner only.
 *
 * @param serverCertSans the addresses the server certificate was issued for
 */
public record AuthOptions(@JsonProperty("CertDir") String certDir,
                          @JsonProperty("CaCertPath") String caCertPath,
                          @JsonProperty("CaPrivateKeyPath") String caPrivateKeyPath,
                          @JsonProperty("ClientCertPath") String clientCertPath,
                          @JsonProperty("ClientKeyPath") String clientKeyPath,
                          @JsonProperty("ServerCertPath") String serverCertPath,
                          @JsonProperty("ServerKeyPath") String serverKeyPath,
                          @JsonProperty("CaCertRemotePath") String caCertRemotePath,
                          @JsonProperty("ServerCertRemotePath") String serverCertRemotePath,
                          @JsonProperty("ServerKeyRemotePath") String serverKeyRemotePath,
                          @JsonProperty("StorePath") String storePath,
                          @JsonProperty("ServerCertSANs") List<String> serverCertSans) {

    public AuthOptions {
        serverCertSans = serverCertSans == null ? List.of() : List.copyOf(serverCertSans);
    }

    public AuthOptions withServerCertSans(List<String> sans) {
        return new AuthOptions(certDir, caCertPath, caPrivateKeyPath, clientCertPath, clientKeyPath, serverCertPath, serverKeyPath,
                caCertRemotePath, serverCertRemotePath, serverKeyRemotePath, storePath, sans);
    }
}
