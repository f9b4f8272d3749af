package io.jmachine.engine.runtime.cgroup;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuListTest {

    @Test
    void listsAndRangesAreReadAsMobysParseUintList() {
        CpuList available = CpuList.parse("0-3,8");
        assertTrue(available.containsAll(CpuList.parse("1,2-3,8")));
        assertFalse(available.containsAll(CpuList.parse("0-4")));
        assertTrue(available.containsAll(CpuList.parse("")), "none asked for");
    }

    @Test
    void anythingElseIsAnInvalidFormatNamingTheList() {
        for (String bad : new String[] {"x", "1-", "-1", "3-1", "1,,2", "1-2-3", "99999999"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuList.parse(bad), bad);
            assertEquals("invalid format: " + bad, e.getMessage());
        }
    }
}
