package io.jmachine.engine.filters;

import io.jmachine.engine.errors.EngineException;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What one endpoint's {@code filters} accept: its keys and, for some keys, their values. Checked before anything
 * is matched, so a typo is a 400 naming the key ("invalid filter 'colour'") or the key and value ("invalid filter
 * 'status=bogus': …"), as dockerd answers, rather than an empty list. Rules are immutable: each method returns a
 * copy with one more rule, so an endpoint keeps its rules in a constant.
 */
public final class FilterRules {

    private final Map<String, Consumer<Filters>> checks;

    private FilterRules(Map<String, Consumer<Filters>> checks) {
        this.checks = checks;
    }

    /** Keys that take any value. */
    public static FilterRules keys(String... keys) {
        Map<String, Consumer<Filters>> checks = new HashMap<>();
        for (String key : keys) {
            checks.put(key, filters -> { });
        }
        return new FilterRules(Map.copyOf(checks));
    }

    /** A boolean key: "true"/"1" or "false"/"0". */
    public FilterRules bool(String key) {
        return with(key, filters -> filters.bool(key));
    }

    /** A time key such as {@code until}: one timestamp, or a duration back from now. */
    public FilterRules time(String key) {
        return with(key, filters -> filters.time(key, Instant.now()));
    }

    /** A key that takes one of a fixed set of words; {@code what} names them as dockerd does ("state", "health"). */
    public FilterRules oneOf(String key, String what, List<String> allowed) {
        return each(key, allowed::contains, value -> "invalid value for " + what + " (" + value + "): must be one of "
                + String.join(", ", allowed));
    }

    /** A key whose every value must pass {@code valid}; {@code why} tells a refused value what to be instead. */
    public FilterRules each(String key, Predicate<String> valid, Function<String, String> why) {
        return with(key, filters -> {
            for (String value : filters.get(key)) {
                if (!valid.test(value)) {
                    throw Filters.invalidValue(key, value, why.apply(value));
                }
            }
        });
    }

    /** The filters, if every key is known and every value valid; otherwise the 400 for the first that is not. */
    public Filters check(Filters filters) {
        for (String key : filters.values().keySet()) {
            Consumer<Filters> check = checks.get(key);
            if (check == null) {
                throw EngineException.invalid("invalid filter '" + key + "'");
            }
            check.accept(filters);
        }
        return filters;
    }

    private FilterRules with(String key, Consumer<Filters> check) {
        Map<String, Consumer<Filters>> more = new HashMap<>(checks);
        more.put(key, check);
        return new FilterRules(Map.copyOf(more));
    }
}
