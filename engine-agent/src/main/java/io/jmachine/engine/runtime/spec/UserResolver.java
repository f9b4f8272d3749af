package io.jmachine.engine.runtime.spec;

import io.jmachine.engine.errors.EngineException;

import io.jmachine.engine.fs.Folder;
import io.jmachine.engine.fs.Root;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns Docker's {@code --user} ({@code 65534}, {@code name}, {@code uid:gid}, {@code name:group}) and
 * {@code --group-add} into numeric ids, reading the image's /etc/passwd and /etc/group as moby/sys/user does:
 * numbers need no entry, names must have one; without an explicit group the user's primary group and the
 * groups listing it as a member apply.
 */
public final class UserResolver {

    private static final long MAX_ID = Integer.MAX_VALUE;

    /** Numeric identity of the container's process. */
    public record ResolvedUser(long uid, long gid, List<Long> additionalGids) {
        public ResolvedUser {
            additionalGids = List.copyOf(additionalGids);
        }
    }

    private record PasswdEntry(String name, long uid, long gid) {
    }

    private record GroupEntry(String name, long gid, List<String> members) {
    }

    private final Path rootfs;

    public UserResolver(Path rootfs) {
        this.rootfs = rootfs;
    }

    /**
     * @throws EngineException INVALID, {@code unable to find user X: no matching entries in passwd file} (or group) for
     *                      unknown names, as Docker words it
     */
    public ResolvedUser resolve(String user, List<String> groupAdd) {
        String spec = user == null ? "" : user.trim();
        int colon = spec.indexOf(':');
        String userPart = colon >= 0 ? spec.substring(0, colon) : spec;
        String groupPart = colon >= 0 ? spec.substring(colon + 1) : "";
        List<PasswdEntry> passwd = passwd();
        List<GroupEntry> groups = groups();

        long uid;
        long gid = 0;
        String userName = null;
        if (userPart.isEmpty()) {
            uid = 0;
        } else {
            Optional<Long> numericUid = number(userPart);
            Optional<PasswdEntry> entry = numericUid.isPresent()
                    ? passwd.stream().filter(p -> p.uid() == numericUid.get()).findFirst()
                    : passwd.stream().filter(p -> p.name().equals(userPart)).findFirst();
            if (entry.isEmpty() && numericUid.isEmpty()) {
                throw EngineException.invalid("unable to find user " + userPart + ": no matching entries in passwd file");
            }
            uid = numericUid.orElseGet(() -> entry.get().uid());
            checkRange("uid", uid);
            if (entry.isPresent()) {
                gid = entry.get().gid();
                userName = entry.get().name();
            }
        }
        if (userPart.isEmpty()) {
            Optional<PasswdEntry> root = passwd.stream().filter(p -> p.uid() == 0).findFirst();
            if (root.isPresent()) {
                gid = root.get().gid();
                userName = root.get().name();
            }
        }

        List<Long> additional = new ArrayList<>();
        if (!groupPart.isEmpty()) {
            gid = groupId(groupPart, groups);
        } else if (userName != null) {
            // supplementary groups only make sense in the implicit form (moby/sys/user)
            String member = userName;
            groups.stream().filter(g -> g.members().contains(member)).map(GroupEntry::gid)
                    .filter(g -> !additional.contains(g)).forEach(additional::add);
        }
        for (String extra : groupAdd == null ? List.<String>of() : groupAdd) {
            long extraGid = groupId(extra.trim(), groups);
            if (!additional.contains(extraGid)) {
                additional.add(extraGid);
            }
        }
        return new ResolvedUser(uid, gid, additional);
    }

    private static long groupId(String group, List<GroupEntry> groups) {
        Optional<Long> numeric = number(group);
        if (numeric.isPresent()) {
            checkRange("gid", numeric.get());
            return numeric.get();
        }
        return groups.stream().filter(g -> g.name().equals(group)).findFirst().map(GroupEntry::gid)
                .orElseThrow(() -> EngineException.invalid("unable to find group " + group + ": no matching entries in group file"));
    }

    private List<PasswdEntry> passwd() {
        List<PasswdEntry> entries = new ArrayList<>();
        for (String[] fields : records("passwd")) {
            if (fields.length >= 4) {
                Optional<Long> uid = number(fields[2]);
                Optional<Long> gid = number(fields[3]);
                if (uid.isPresent() && gid.isPresent()) {
                    entries.add(new PasswdEntry(fields[0], uid.get(), gid.get()));
                }
            }
        }
        return entries;
    }

    private List<GroupEntry> groups() {
        List<GroupEntry> entries = new ArrayList<>();
        for (String[] fields : records("group")) {
            if (fields.length >= 3) {
                Optional<Long> gid = number(fields[2]);
                List<String> members = fields.length >= 4 && !fields[3].isBlank() ? List.of(fields[3].trim().split(",")) : List.of();
                gid.ifPresent(g -> entries.add(new GroupEntry(fields[0], g, members)));
            }
        }
        return entries;
    }

    /** The colon-separated records of /etc/NAME in the rootfs (read inside it: links never lead to a host file). */
    private List<String[]> records(String name) {
        String file = "/etc/" + name;
        try (Root root = Root.open(rootfs)) {
            Optional<Folder.OpenFile> content = root.readIfPresent(file);
            if (content.isEmpty()) {
                return List.of();
            }
            String text;
            try (Folder.OpenFile open = content.get()) {
                text = new String(Channels.newInputStream(open.channel()).readAllBytes(), StandardCharsets.UTF_8);
            }
            List<String[]> records = new ArrayList<>();
            for (String line : text.split("\n")) {
                String trimmed = line.strip();
                if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                    records.add(trimmed.split(":", -1));
                }
            }
            return records;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " of " + rootfs + " to resolve the container's user: "
                    + e.getMessage(), e);
        }
    }

    private static Optional<Long> number(String text) {
        if (text.isEmpty() || !text.chars().allMatch(Character::isDigit) || text.length() > 10) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(text));
    }

    private static void checkRange(String kind, long id) {
        if (id > MAX_ID) {
            throw EngineException.invalid(kind + " " + id + " is out of range: the largest is " + MAX_ID);
        }
    }
}
