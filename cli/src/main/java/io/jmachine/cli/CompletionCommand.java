package io.jmachine.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `jmachine completion bash|zsh`: a completion script to source, e.g. {@code source <(jmachine completion bash)}. */
@Command(name = "completion", description = {
        "Print a shell completion script.",
        "bash: source <(jmachine completion bash)",
        "zsh:  source <(jmachine completion zsh)"})
final class CompletionCommand implements Runnable {

    enum Shell { bash, zsh }

    @Parameters(paramLabel = "SHELL", description = "One of: ${COMPLETION-CANDIDATES}.")
    Shell shell;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        String script = AutoComplete.bash("jmachine", spec.root().commandLine());
        if (shell == Shell.zsh) {
            // picocli's script runs in zsh through its bash-completion emulation
            script = "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script;
        }
        spec.commandLine().getOut().print(script);
    }
}
