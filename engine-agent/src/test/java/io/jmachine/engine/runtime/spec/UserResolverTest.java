package io.jmachine.engine.runtime.spec;

import io.jmachine.engine.errors.EngineException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class UserResolverTest {

    @TempDir
    Path rootfs;
    UserResolver resolver;

    @BeforeEach
    void images() throws Exception {
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(rootfs.resolve("etc/passwd"), """
                root:x:0:0:root:/root:/bin/sh
                # a comment
                daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
                app:x:1000:1000:app:/home/app:/bin/sh
                nobody:x:65534:65534:nobody:/:/bin/false
                """);
        Files.writeString(rootfs.resolve("etc/group"), """
                root:x:0:
                wheel:x:10:root,app
                audio:x:29:app
                app:x:1000:
                nogroup:x:65534:
                """);
        resolver = new UserResolver(rootfs);
    }

    @Test
    void emptyIsRootWithItsGroups() {
        assertEquals(new UserResolver.ResolvedUser(0, 0, List.of(10L)), resolver.resolve("", List.of()));
    }

    @Test
    void aNumberNeedsNoEntryButUsesOne() {
        assertEquals(new UserResolver.ResolvedUser(65534, 65534, List.of()), resolver.resolve("65534", List.of()));
        assertEquals(new UserResolver.ResolvedUser(4242, 0, List.of()), resolver.resolve("4242", List.of()));
    }

    @Test
    void aNameGivesItsIdsAndMemberships() {
        assertEquals(new UserResolver.ResolvedUser(1000, 1000, List.of(10L, 29L)), resolver.resolve("app", List.of()));
    }

    @Test
    void anExplicitGroupReplacesMemberships() {
        assertEquals(new UserResolver.ResolvedUser(1000, 29, List.of()), resolver.resolve("app:audio", List.of()));
        assertEquals(new UserResolver.ResolvedUser(1000, 5, List.of()), resolver.resolve("1000:5", List.of()));
    }

    @Test
    void groupAddAppendsNamesAndNumbers() {
        assertEquals(new UserResolver.ResolvedUser(65534, 65534, List.of(29L, 777L)), resolver.resolve("nobody", List.of("audio", "777")));
    }

    @Test
    void unknownNamesAreA400() {
        EngineException user = assertThrows(EngineException.class, () -> resolver.resolve("ghost", List.of()));
        assertEquals(EngineException.Kind.INVALID, user.kind());
        assertEquals("unable to find user ghost: no matching entries in passwd file", user.getMessage());
        EngineException group = assertThrows(EngineException.class, () -> resolver.resolve("app:ghosts", List.of()));
        assertEquals("unable to find group ghosts: no matching entries in group file", group.getMessage());
        assertThrows(EngineException.class, () -> resolver.resolve("app", List.of("ghosts")));
    }

    @Test
    void anImageWithoutEtcTakesNumbersOnly(@TempDir Path empty) {
        UserResolver bare = new UserResolver(empty);
        assertEquals(new UserResolver.ResolvedUser(0, 0, List.of()), bare.resolve("", List.of()));
        assertEquals(new UserResolver.ResolvedUser(12, 34, List.of()), bare.resolve("12:34", List.of()));
        assertThrows(EngineException.class, () -> bare.resolve("root", List.of()));
    }

    @Test
    void aPasswdSymlinkOutOfTheImageIsNotFollowed(@TempDir Path image) throws Exception {
        Files.createDirectories(image.resolve("etc"));
        Files.createSymbolicLink(image.resolve("etc/passwd"), rootfs.resolve("etc/passwd"));
        assertThrows(EngineException.class, () -> new UserResolver(image).resolve("app", List.of()));
    }
}
