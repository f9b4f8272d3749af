package io.jmachine.engine.build;

import java.util.List;
import java.util.Map;

/**
 * One Dockerfile instruction as parsed, before any variable is substituted.
 *
 * @param keyword  upper case: FROM, RUN, COPY…
 * @param flags    the leading {@code --name=value} options (COPY --from, RUN has none we honour…), in order
 * @param args     the text after the keyword and flags, continuations joined
 * @param json     the JSON exec form's strings when the args are a JSON string array, else null
 * @param original the instruction as written (continuations joined), which "Step N/M :" shows
 * @param line     the 1-based line it starts on, for error messages
 */
public record Instruction(String keyword, Map<String, String> flags, String args, List<String> json, String original, int line) {

    public Instruction {
        flags = Map.copyOf(flags);
        json = json == null ? null : List.copyOf(json);
    }

    public boolean isJsonForm() {
        return json != null;
    }

    public String flag(String name) {
        return flags.get(name);
    }
}
