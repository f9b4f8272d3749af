package io.jmachine.engine.runtime.cgroup;

import java.util.BitSet;

/**
 * A cpuset list such as {@code 0-2,4} (CPUs or memory nodes), read as moby's parsers.ParseUintList reads
 * {@code --cpuset-cpus} and {@code --cpuset-mems}.
 */
public record CpuList(String text, BitSet members) {

    /** Go's cap on a list's largest member, which keeps a typo such as 0-99999999 from allocating. */
    private static final int MAX = 1 << 16;

    /** @throws IllegalArgumentException "invalid format: X", as moby says */
    public static CpuList parse(String text) {
        BitSet members = new BitSet();
        if (text.isEmpty()) {
            return new CpuList(text, members);
        }
        for (String part : text.split(",", -1)) {
            String[] range = part.split("-", -1);
            if (range.length == 1) {
                members.set(number(range[0], text));
            } else if (range.length == 2) {
                int from = number(range[0], text);
                int to = number(range[1], text);
                if (to < from) {
                    throw new IllegalArgumentException("invalid format: " + text);
                }
                members.set(from, to + 1);
            } else {
                throw new IllegalArgumentException("invalid format: " + text);
            }
        }
        return new CpuList(text, members);
    }

    private static int number(String digits, String text) {
        if (digits.isEmpty() || digits.length() > 6 || !digits.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("invalid format: " + text);
        }
        int value = Integer.parseInt(digits);
        if (value >= MAX) {
            throw new IllegalArgumentException("invalid format: " + text);
        }
        return value;
    }

    /** Whether every member of the other list is one of this list's. */
    public boolean containsAll(CpuList other) {
        BitSet missing = (BitSet) other.members.clone();
        missing.andNot(members);
        return missing.isEmpty();
    }
}
