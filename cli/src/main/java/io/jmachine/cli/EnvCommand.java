package io.jmachine.cli;

import io.jmachine.provisioner.Machine;
import io.jmachine.provisioner.tls.PemFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** `jmachine env [--shell S] [-u] [--no-proxy] NAME`: the variables that point the docker CLI at a machine. */
@Command(name = "env", description = {"Print the variables that point the docker CLI at a machine.", "eval $(jmachine env NAME)"})
final class EnvCommand implements Runnable {

    static final List<String> VARIABLES = List.of("DOCKER_TLS_VERIFY", "DOCKER_HOST", "DOCKER_CERT_PATH", "JMACHINE_NAME");

    @ParentCommand
    JMachine root;

    @Spec
    CommandSpec spec;

    @Option(names = "--shell", paramLabel = "SHELL", description = "One of: ${COMPLETION-CANDIDATES} (default: from $SHELL).")
    ShellEnv shell;

    @Option(names = {"-u", "--unset"}, description = "Print the commands that unset the variables instead.")
    boolean unset;

    @Option(names = "--no-proxy", description = "Add the machine's address to NO_PROXY.")
    boolean noProxy;

    @Parameters(paramLabel = "NAME", arity = "0..1", description = "The machine (default: default).")
    String name;

    @Override
    public void run() {
        ShellEnv target = shell != null ? shell : ShellEnv.detect(root.environment());
        PrintWriter out = spec.commandLine().getOut();
        List<String> lines;
        if (unset) {
            if (name != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "env -u takes no machine name");
            }
            List<String> names = new ArrayList<>(VARIABLES);
            if (noProxy) {
                names.add("NO_PROXY");
            }
            lines = target.script(Map.of(), names, "jmachine env -u");
        } else {
            String machineName = name != null ? name : JMachine.DEFAULT_MACHINE;
            Machine machine = root.machines().load(machineName);
            root.ensureForwardAgent(machine);
            checkCertificates(machine);
            lines = target.script(variables(machine), List.of(), "jmachine env" + (shell != null ? " --shell " + shell : "")
                    + (noProxy ? " --no-proxy" : "") + " " + machineName);
        }
        lines.forEach(out::println);
        out.flush();
    }

    private Map<String, String> variables(Machine machine) {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("DOCKER_TLS_VERIFY", "1");
        variables.put("DOCKER_HOST", machine.driver().engineUrl().toString());
        variables.put("DOCKER_CERT_PATH", machine.certPath().toString());
        variables.put("JMACHINE_NAME", machine.name());
        if (noProxy) {
            variables.put("NO_PROXY", noProxy(root.environment(), machine.driver().ipAddress()));
        }
        return variables;
    }

    /** NO_PROXY (or no_proxy) with the address added once. */
    static String noProxy(Map<String, String> environment, String address) {
        String current = environment.getOrDefault("NO_PROXY", environment.getOrDefault("no_proxy", ""));
        List<String> entries = new ArrayList<>(Arrays.stream(current.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList());
        if (!entries.contains(address)) {
            entries.add(address);
        }
        return String.join(",", entries);
    }

    /**
     * Fails, with the fix, when the client files are missing or the server certificate does not cover the address
     * the engine is reached at now (an address that changed): Docker Machine's check before env and config.
     */
    static void checkCertificates(Machine machine) {
        for (String file : List.of("ca.pem", "cert.pem", "key.pem")) {
            if (!Files.isReadable(machine.certPath().resolve(file))) {
                throw new IllegalStateException(machine.certPath().resolve(file) + " is missing; run `jmachine regenerate-certs "
                        + machine.name() + "`");
            }
        }
        Path server = machine.serverCert();
        if (!Files.exists(server)) {
            return;
        }
        String host = machine.driver().engineUrl().getHost().replaceAll("^\\[|]$", "");
        try {
            X509Certificate certificate = PemFiles.readCertificate(server);
            boolean covered = certificate.getSubjectAlternativeNames() != null && certificate.getSubjectAlternativeNames().stream()
                    .anyMatch(san -> san.get(1).toString().equalsIgnoreCase(host) || sameAddress(san.get(1).toString(), host));
            if (!covered) {
                throw new IllegalStateException("the server certificate of " + machine.name() + " is not valid for " + host
                        + " (the machine's address changed?); run `jmachine regenerate-certs " + machine.name() + "`");
            }
        } catch (IOException | CertificateParsingException e) {
            throw new IllegalStateException("cannot read " + server + ": " + e.getMessage() + "; run `jmachine regenerate-certs "
                    + machine.name() + "`", e);
        }
    }

    private static boolean sameAddress(String a, String b) {
        try {
            return a.contains(":") && b.contains(":")
                    && java.net.InetAddress.getByName(a).equals(java.net.InetAddress.getByName(b));
        } catch (IOException e) {
            return false;
        }
    }
}
