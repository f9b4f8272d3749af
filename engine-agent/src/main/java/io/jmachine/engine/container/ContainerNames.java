package io.jmachine.engine.container;

import io.jmachine.engine.errors.EngineException;

import java.security.SecureRandom;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** Docker's naming rules: user names are validated, unnamed containers get an "adjective_surname". */
public final class ContainerNames {

    private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");
    private static final List<String> ADJECTIVES = List.of("agile", "bold", "brave", "calm", "clever", "cool", "eager",
            "fervent", "focused", "gallant", "happy", "jolly", "keen", "kind", "lucid", "modest", "nifty", "noble",
            "patient", "quirky", "relaxed", "serene", "sharp", "stoic", "tender", "upbeat", "vibrant", "wizardly", "youthful", "zen");
    private static final List<String> SURNAMES = List.of("babbage", "bell", "cerf", "curie", "dijkstra", "einstein", "euler",
            "fermat", "gauss", "goldberg", "hamilton", "hopper", "kalam", "knuth", "lamport", "liskov", "lovelace", "mccarthy",
            "noether", "pascal", "perlman", "ritchie", "shannon", "thompson", "torvalds", "turing", "wirth", "wozniak", "yonath", "zuse");

    private final SecureRandom random = new SecureRandom();

    /** The name to use: the user's, validated (a leading slash is dropped), or a fresh generated one. */
    public String choose(String requested, Predicate<String> taken) {
        if (requested != null && !requested.isEmpty()) {
            String name = requested.startsWith("/") ? requested.substring(1) : requested;
            if (!VALID.matcher(name).matches()) {
                throw EngineException.invalid("Invalid container name (" + requested + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
            }
            return name;
        }
        for (int attempt = 0; ; attempt++) {
            String name = ADJECTIVES.get(random.nextInt(ADJECTIVES.size())) + "_" + SURNAMES.get(random.nextInt(SURNAMES.size()));
            if (attempt > 10) {
                name = name + random.nextInt(1000);
            }
            if (!taken.test(name)) {
                return name;
            }
        }
    }

    public static void validate(String name) {
        if (!VALID.matcher(name).matches()) {
            throw EngineException.invalid("Invalid container name (" + name + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        }
    }
}
