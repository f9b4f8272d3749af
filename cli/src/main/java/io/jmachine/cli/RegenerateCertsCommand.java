package io.jmachine.cli;

import io.jmachine.provisioner.Machines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * `jmachine regenerate-certs [-f] [--client-certs] NAME…`: a new server certificate for the machines' current
 * addresses (the fix when an address changed), pushed to the hosts, whose engines restart.
 */
@Command(name = "regenerate-certs", description = "Issue new TLS certificates for machines and restart their engines.")
final class RegenerateCertsCommand implements Callable<Integer> {

    @ParentCommand
    JMachine root;

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--force"}, description = "Do not ask for confirmation.")
    boolean force;

    @Option(names = "--client-certs", description = "Also make a new CA and client certificate: every machine then needs new certificates.")
    boolean clientCerts;

    @Parameters(paramLabel = "NAME", arity = "0..*", description = "The machines (default: default).")
    List<String> names = List.of();

    @Override
    public Integer call() throws IOException {
        if (!force && !confirmed()) {
            return 1;
        }
        Machines machines = root.machines();
        if (clientCerts) {
            machines.certificateAuthority().regenerate();
        }
        return ForEachMachine.run(names.isEmpty() ? List.of(JMachine.DEFAULT_MACHINE) : names, root.output(),
                name -> machines.regenerateCertificates(machines.load(name), root.progress(name)));
    }

    private boolean confirmed() throws IOException {
        spec.commandLine().getOut().print("Regenerate TLS certificates" + (clientCerts ? ", the CA and the client certificate" : "")
                + "? Engines restart. (y/n): ");
        spec.commandLine().getOut().flush();
        String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        return answer != null && List.of("y", "yes").contains(answer.strip().toLowerCase(Locale.ROOT));
    }
}
