package io.jmachine.engine.runtime.spec;

import io.jmachine.engine.errors.EngineException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The small parsers of Docker's option strings: --device, --ulimit, and the engine's own limits. */
class SpecInputsTest {

    @Test
    void deviceMappings() {
        assertEquals(new DeviceMapping(Path.of("/dev/null"), "/dev/extra-null", "rwm"), DeviceMapping.parse("/dev/null:/dev/extra-null:rwm"));
        assertEquals(new DeviceMapping(Path.of("/dev/null"), "/dev/extra-null", "rwm"), DeviceMapping.parse("/dev/null:/dev/extra-null"));
        assertEquals(new DeviceMapping(Path.of("/dev/fuse"), "/dev/fuse", "rwm"), DeviceMapping.parse("/dev/fuse"));
        assertEquals(new DeviceMapping(Path.of("/dev/fuse"), "/dev/fuse", "r"), DeviceMapping.parse("/dev/fuse:r"));
        assertThrows(EngineException.class, () -> DeviceMapping.parse("/dev/fuse:/dev/fuse:rx"));
        assertThrows(EngineException.class, () -> DeviceMapping.parse("dev/fuse"));
    }

    @Test
    void ulimits() {
        assertEquals(new Ulimit("nofile", 1024, 2048), Ulimit.parse("nofile=1024:2048"));
        assertEquals(new Ulimit("nproc", 64, 64), Ulimit.parse("NPROC=64"));
        assertEquals("RLIMIT_NOFILE", Ulimit.parse("nofile=1").rlimitType());
        assertThrows(EngineException.class, () -> Ulimit.parse("bogus=1"));
        assertThrows(EngineException.class, () -> Ulimit.parse("nofile=2048:1024"));
        assertThrows(EngineException.class, () -> Ulimit.parse("nofile"));
        assertThrows(EngineException.class, () -> Ulimit.parse("nofile=a"));
    }

    @Test
    void theEnginesOwnOpenFilesLimit() {
        String limits = """
                Limit                     Soft Limit           Hard Limit           Units
                Max processes             unlimited            unlimited            processes
                Max open files            1024                 20000                files
                """;
        assertEquals(20000, EngineHost.nofileHardLimit(limits));
        assertEquals(Long.MAX_VALUE, EngineHost.nofileHardLimit(limits.replace("20000  ", "unlimited")));
    }

    @Test
    void deviceNumbersSplitAsGlibcDoes() {
        assertEquals(1, HostDevices.major(0x0103));
        assertEquals(3, HostDevices.minor(0x0103));
        // glibc's makedev for a major and minor past 12 and 8 bits
        long major = 0x12345;
        long minor = 0x6789a;
        long rdev = ((major & 0xfff) << 8) | ((major & ~0xfffL) << 32) | (minor & 0xff) | ((minor & ~0xffL) << 12);
        assertEquals(major, HostDevices.major(rdev));
        assertEquals(minor, HostDevices.minor(rdev));
    }
}
