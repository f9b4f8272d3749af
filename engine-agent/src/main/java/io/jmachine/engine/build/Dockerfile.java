package io.jmachine.engine.build;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed Dockerfile: the ARGs before the first FROM (usable only in FROM lines) and its stages.
 *
 * @param escape the escape character the {@code # escape=} directive chose ('\\' by default)
 */
public record Dockerfile(List<Instruction> metaArgs, List<Stage> stages, char escape) {

    /** One FROM and what follows it up to the next FROM. */
    public record Stage(int index, Instruction from, List<Instruction> instructions) {
        /** The {@code AS name} of the FROM line, lower case as Docker compares it, or null. */
        public String name() {
            String[] words = from.args().trim().split("\\s+");
            return words.length == 3 && words[1].equalsIgnoreCase("as") ? words[2].toLowerCase(java.util.Locale.ROOT) : null;
        }
    }

    public Dockerfile {
        metaArgs = List.copyOf(metaArgs);
        stages = List.copyOf(stages);
    }

    /** The stages up to and including {@code target} (a name or index), all when target is null or empty. */
    public List<Stage> stagesUpTo(String target) {
        if (target == null || target.isEmpty()) {
            return stages;
        }
        List<Stage> chosen = new ArrayList<>();
        for (Stage stage : stages) {
            chosen.add(stage);
            if (target.equalsIgnoreCase(stage.name())) {
                return chosen;
            }
        }
        throw new BuildException("failed to reach build target " + target + " in Dockerfile");
    }
}
