package io.jmachine.cli;

import io.jmachine.drivers.DriverRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The verbs on a store of none-driver machines: flags, output formats and errors, with no host involved. */
class VerbsTest {

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {}

    private Result run(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>(Map.of("JMACHINE_STORAGE_PATH", dir.resolve("store").toString(), "USER", "ann",
                "DOCKER_CONFIG", dir.resolve("docker").toString()));
        env.putAll(extraEnv);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = JMachine.commandLine(DriverRegistry.builtIn(), env);
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        return new Result(commandLine.execute(args), out.toString(), err.toString());
    }

    private Result run(String... args) {
        return run(Map.of(), args);
    }

    private void createNone(String name, String url, String... more) {
        String[] args = new String[5 + more.length];
        System.arraycopy(new String[] {"create", "-d", "none", "--url", url}, 0, args, 0, 5);
        System.arraycopy(more, 0, args, 5, more.length);
        String[] withName = java.util.Arrays.copyOf(args, args.length + 1);
        withName[args.length] = name;
        Result result = run(withName);
        assertEquals(0, result.code(), result.err());
    }

    @Test
    void createStoresTheMachineAndRefusesDuplicatesUnknownDriversAndOtherDriversFlags() {
        createNone("n1", "tcp://127.0.0.1:2376", "--engine-label", "team=a");
        assertTrue(Files.exists(dir.resolve("store/machines/n1/machine.json")));
        assertTrue(Files.exists(dir.resolve("store/certs/ca-key.pem")));
        assertTrue(Files.exists(dir.resolve("store/machines/n1/key.pem")), "the machine folder is a DOCKER_CERT_PATH");

        Result again = run("create", "-d", "none", "--url", "tcp://127.0.0.1:2376", "n1");
        assertEquals(1, again.code());
        assertTrue(again.err().contains("already exists"), again.err());
        Result unknown = run("create", "-d", "nosuch", "x");
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().contains("\"nosuch\" not found"), unknown.err());
        Result foreign = run("create", "-d", "none", "--url", "tcp://127.0.0.1:2376", "--generic-ssh-port", "22", "n2");
        assertEquals(2, foreign.code());
        assertTrue(foreign.err().contains("--generic-ssh-port is a flag of the generic driver, not of none"), foreign.err());
        Result badName = run("create", "-d", "none", "--url", "tcp://127.0.0.1:2376", "../x");
        assertTrue(badName.err().contains("invalid machine name"), badName.err());
        Result badOpt = run("create", "-d", "none", "--url", "tcp://127.0.0.1:2376", "--engine-opt", "novalue", "n3");
        assertTrue(badOpt.err().contains("--engine-opt takes KEY=VALUE"), badOpt.err());
        assertFalse(Files.exists(dir.resolve("store/machines/n3")), "nothing is stored when the flags are wrong");
    }

    @Test
    void aFailedPreCreateCheckExitsWithThreeAndStoresNothing() {
        Result result = run("create", "-d", "generic", "--generic-ssh-key", "/nonexistent", "g1");
        assertEquals(3, result.code(), result.err());
        assertTrue(result.err().contains("--generic-ip-address"), result.err());
        assertFalse(Files.exists(dir.resolve("store/machines/g1")));
    }

    @Test
    void driverFlagsFallBackToTheirEnvironmentVariablesAndHelpListsThem() throws Exception {
        Path key = dir.resolve("key");
        Files.writeString(key, "k");
        Result result = run(Map.of("GENERIC_IP_ADDRESS", "127.0.0.1", "GENERIC_SSH_PORT", "1"), "create", "-d", "generic",
                "--generic-ssh-key", key.toString(), "g1");
        assertEquals(3, result.code());
        assertTrue(result.err().contains("127.0.0.1:1"), "the address and port came from the environment: " + result.err());
        Result help = run("create", "--help");
        assertTrue(help.out().contains("--generic-ip-address") && help.out().contains("--url"), help.out());
    }

    @Test
    void globalStoragePathWorksBeforeAndAfterTheVerb() {
        Path other = dir.resolve("other");
        assertEquals(0, run("-s", other.toString(), "create", "-d", "none", "--url", "tcp://127.0.0.1:1", "a").code());
        assertEquals(0, run("create", "-d", "none", "--url", "tcp://127.0.0.1:1", "b", "-s", other.toString()).code());
        assertEquals("a\nb\n", run("ls", "-q", "-s", other.toString()).out());
        assertEquals("", run("ls", "-q").out());
    }

    @Test
    void lsFiltersAndFormats() {
        createNone("web1", "tcp://127.0.0.1:2376", "--engine-label", "team=a");
        createNone("web2", "tcp://127.0.0.2:2376", "--engine-label", "team=b");
        createNone("db", "tcp://127.0.0.3:2376");
        assertEquals("db\nweb1\nweb2\n", run("ls", "-q", "-t", "1").out());
        assertEquals("web1\nweb2\n", run("ls", "-q", "-t", "1", "--filter", "name=^web").out());
        assertEquals("web2\n", run("ls", "-q", "-t", "1", "--filter", "label=team=b").out());
        assertEquals("web1\nweb2\n", run("ls", "-q", "-t", "1", "--filter", "label=team").out());
        assertEquals("web1\n", run("ls", "-q", "-t", "1", "--filter", "name=web", "--filter", "label=team=a").out(), "keys AND");
        assertEquals("db\nweb2\n", run("ls", "-q", "-t", "1", "--filter", "name=db", "--filter", "name=2").out(), "values OR");
        assertEquals("", run("ls", "-q", "-t", "1", "--filter", "driver=generic").out());
        assertEquals("db\nweb1\nweb2\n", run("ls", "-q", "-t", "1", "--filter", "state=RUNNING").out());
        assertEquals(2, run("ls", "--filter", "colour=red").code());

        assertEquals("db none\n", run("ls", "-t", "1", "--filter", "name=db", "--format", "{{.Name}} {{.DriverName}}").out());
        String table = run("ls", "-t", "1", "--filter", "name=db", "--format", "table {{.Name}}\\t{{.URL}}").out();
        assertEquals("NAME   URL\ndb     tcp://127.0.0.3:2376\n", table);
        String json = run("ls", "-t", "1", "--filter", "name=db", "--format", "json").out();
        assertTrue(json.startsWith("[{\"Name\":\"db\"") && json.contains("\"URL\":\"tcp://127.0.0.3:2376\""), json);
        String standard = run("ls", "-t", "1", "--filter", "name=db").out();
        assertTrue(standard.startsWith("NAME   ACTIVE   DRIVER   STATE     URL                    ENGINE"), standard);
        assertTrue(standard.lines().skip(1).findFirst().orElseThrow().matches("db +- +none +Running +tcp://127\\.0\\.0\\.3:2376 +Unknown +.*"), standard);

        Result active = run(Map.of("DOCKER_HOST", "tcp://127.0.0.2:2376"), "ls", "-t", "1", "--format", "{{.Name}}:{{.Active}}");
        assertEquals("db:-\nweb1:-\nweb2:*\n", active.out());
    }

    @Test
    void lsShowsARunningMachineWhoseClientKeyCannotBeReadWithTheTlsErrorInItsErrors() throws Exception {
        createNone("n1", "tcp://127.0.0.1:1");
        Path key = dir.resolve("store/machines/n1/key.pem");
        Files.writeString(key, "not a key\n");
        String row = run("ls", "-t", "1", "--format", "{{.State}}|{{.Engine}}|{{.Error}}").out();
        assertEquals("Running|Unknown|engine unreachable: " + key + " holds no PEM object\n", row);
    }

    @Test
    void inspectIsJsonOrATemplateAndReadVerbsPrintOneValue() {
        createNone("n1", "tcp://127.0.0.1:2376");
        assertTrue(run("inspect", "n1").out().contains("\"DriverName\" : \"none\""));
        assertEquals("none tcp://127.0.0.1:2376\n", run("inspect", "-f", "{{.DriverName}} {{.Driver.URL}}", "n1").out());
        assertEquals("127.0.0.1\n", run("ip", "n1").out());
        assertEquals("tcp://127.0.0.1:2376\n", run("url", "n1").out());
        assertEquals("Running\n", run("status", "n1").out());
        String config = run("config", "n1").out();
        assertEquals("--tlsverify\n--tlscacert=" + dir.resolve("store/machines/n1/ca.pem") + "\n--tlscert=" + dir.resolve("store/machines/n1/cert.pem")
                + "\n--tlskey=" + dir.resolve("store/machines/n1/key.pem") + "\n-H=tcp://127.0.0.1:2376\n", config);
        Result missing = run("status", "nope");
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("machine nope does not exist"), missing.err());
        Result templateError = run("inspect", "-f", "{{if .Name}}", "n1");
        assertTrue(templateError.err().contains("not supported"), templateError.err());
    }

    @Test
    void envPerShellAndUnset() {
        createNone("n1", "tcp://127.0.0.1:2376");
        String certs = dir.resolve("store/machines/n1").toString();
        assertEquals("export DOCKER_TLS_VERIFY=\"1\"\nexport DOCKER_HOST=\"tcp://127.0.0.1:2376\"\nexport DOCKER_CERT_PATH=\"" + certs + "\"\n"
                + "export JMACHINE_NAME=\"n1\"\n# Run this command to configure your shell:\n# eval $(jmachine env n1)\n", run("env", "n1").out());
        assertTrue(run(Map.of("SHELL", "/usr/bin/fish"), "env", "n1").out().contains("set -gx DOCKER_HOST \"tcp://127.0.0.1:2376\";\n"));
        assertTrue(run("env", "--shell", "zsh", "n1").out().contains("export DOCKER_HOST=\"tcp://127.0.0.1:2376\"\n"));
        assertTrue(run("env", "--shell", "powershell", "n1").out().contains("$Env:DOCKER_HOST = \"tcp://127.0.0.1:2376\"\n"));
        assertTrue(run("env", "--shell", "cmd", "n1").out().contains("SET DOCKER_HOST=tcp://127.0.0.1:2376\n"));
        assertTrue(run("env", "--shell", "tcsh", "n1").out().contains("setenv DOCKER_HOST \"tcp://127.0.0.1:2376\";\n"));
        assertTrue(run("env", "--shell", "fish", "n1").out().contains("# eval (jmachine env --shell fish n1)"));

        assertTrue(run("env", "-u").out().startsWith("unset DOCKER_TLS_VERIFY\nunset DOCKER_HOST\nunset DOCKER_CERT_PATH\nunset JMACHINE_NAME\n"));
        assertTrue(run("env", "-u", "--shell", "fish").out().contains("set -e DOCKER_HOST;"));
        assertTrue(run("env", "-u", "--shell", "powershell").out().contains("Remove-Item Env:\\DOCKER_HOST\n"));
        assertEquals(2, run("env", "-u", "n1").code(), "-u takes no name");
        assertEquals(2, run("env", "--shell", "emacs", "n1").code());

        String proxy = run(Map.of("NO_PROXY", "localhost,127.0.0.1"), "env", "--no-proxy", "n1").out();
        assertTrue(proxy.contains("export NO_PROXY=\"localhost,127.0.0.1\"\n"), "no duplicate: " + proxy);
        assertTrue(run(Map.of("no_proxy", "example.com"), "env", "--no-proxy", "n1").out().contains("export NO_PROXY=\"example.com,127.0.0.1\"\n"));
    }

    @Test
    void shellValuesAreQuotedSoThatEvalKeepsThem() {
        assertEquals("export X=\"a \\\"b\\\" \\$HOME\"", ShellEnv.bash.set("X", "a \"b\" $HOME"));
        assertEquals("$Env:X = \"a `\"b`\" `$HOME\"", ShellEnv.powershell.set("X", "a \"b\" $HOME"));
        assertEquals(ShellEnv.tcsh, ShellEnv.detect(Map.of("SHELL", "/bin/csh")));
        assertEquals(ShellEnv.bash, ShellEnv.detect(Map.of()));
    }

    @Test
    void rmRemovesBrokenMachinesAndLifecycleVerbsReportEachFailureByName() throws Exception {
        createNone("n1", "tcp://127.0.0.1:2376");
        Files.writeString(dir.resolve("store/machines/n1/machine.json"), "{broken");
        Files.createDirectories(dir.resolve("store/machines/half"));
        Result ls = run("ls", "-t", "1");
        assertTrue(ls.out().contains("half") && ls.out().contains("Error"), ls.out());
        Result rm = run("rm", "-y", "n1", "half");
        assertEquals(0, rm.code(), rm.err());
        assertEquals("", run("ls", "-q").out());

        createNone("a", "tcp://127.0.0.1:2376");
        Result stop = run("stop", "a", "ghost");
        assertEquals(1, stop.code());
        assertTrue(stop.err().contains("jmachine: a: the none driver manages no host"), stop.err());
        assertTrue(stop.err().contains("jmachine: ghost: machine ghost does not exist"), stop.err());
        assertEquals(1, run("rm", "-y", "ghost").code());
    }
}
