package io.jmachine.engine.container;

import io.jmachine.engine.events.EngineEvent;
import io.jmachine.engine.events.EventBus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OomReportsTest {

    private static final String ID = "c".repeat(64);

    /** A cgroup's counter set by the test, and the notification the engine would get from the kernel. */
    private static final class FakeCgroup implements OomReports.Counters {
        volatile OptionalLong kills = OptionalLong.of(0);
        Runnable notify;
        boolean watchClosed;
        boolean refuseWatch;

        @Override
        public OptionalLong oomKills(String id) {
            return kills;
        }

        @Override
        public AutoCloseable watchOomKills(String id, Runnable onChange) throws IOException {
            if (refuseWatch) {
                throw new IOException("no cgroup.event_control");
            }
            notify = onChange;
            watchClosed = false;
            return () -> watchClosed = true;
        }

        void kill(long total) {
            kills = OptionalLong.of(total);
            notify.run();
        }
    }

    private final FakeCgroup cgroup = new FakeCgroup();
    private final List<EngineEvent> events = new CopyOnWriteArrayList<>();
    private OomReports reports;

    @BeforeEach
    void setUp() {
        EventBus bus = new EventBus(Clock.systemUTC());
        bus.subscribe(events::add, 0);
        reports = new OomReports(cgroup, bus, id -> Map.of("name", "hog", "image", "localhost/busybox"));
    }

    private long oomEvents() {
        return events.stream().filter(e -> e.action().equals("oom")).count();
    }

    @Test
    void aKillWhileTheContainerRunsIsAnnouncedAtOnceWithTheContainersAttributes() {
        reports.watch(ID);
        cgroup.kill(1);
        assertEquals(1, oomEvents());
        EngineEvent event = events.getFirst();
        assertEquals("container", event.type());
        assertEquals(ID, event.actor().id());
        assertEquals("hog", event.actor().attributes().get("name"));
    }

    @Test
    void aWakeUpBeforeTheKillerCountedItsVictimIsAnnouncedOnceTheCounterShowsIt() throws Exception {
        reports.watch(ID);
        Thread counting = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(60); // the kernel counts the kill after it signalled the OOM
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            cgroup.kills = OptionalLong.of(1);
        });
        cgroup.notify.run();
        counting.join();
        assertEquals(1, oomEvents());
    }

    @Test
    void aWakeUpWithoutAKillAnnouncesNothing() {
        reports.watch(ID);
        cgroup.kill(0);
        assertEquals(0, oomEvents());
        assertFalse(reports.ended(ID));
    }

    @Test
    void eachRiseOfTheCounterIsOneEventAndTheSameCountIsNotAnnouncedTwice() {
        reports.watch(ID);
        cgroup.kill(1);
        cgroup.kill(1);
        cgroup.kill(3);
        assertEquals(2, oomEvents());
        assertTrue(reports.ended(ID));
        assertEquals(2, oomEvents(), "the end announced kills that were announced already");
    }

    @Test
    void aKillNoNotificationToldOfIsAnnouncedAtTheEndAndMakesOomKilled() {
        reports.watch(ID);
        cgroup.kills = OptionalLong.of(1);
        assertEquals(0, oomEvents());
        assertTrue(reports.ended(ID));
        assertEquals(1, oomEvents());
    }

    @Test
    void aRunWithoutKillsEndsNotOomKilled() {
        reports.watch(ID);
        assertFalse(reports.ended(ID));
        assertEquals(0, oomEvents());
    }

    @Test
    void theEndClosesTheWatchAndLaterNotificationsAnnounceNothing() {
        reports.watch(ID);
        Runnable notify = cgroup.notify;
        assertFalse(reports.ended(ID));
        assertTrue(cgroup.watchClosed);
        cgroup.kills = OptionalLong.of(1);
        notify.run();
        assertEquals(0, oomEvents());
    }

    @Test
    void aKillSeenWhileRunningStaysReportedWhenTheCgroupIsGoneAtTheEnd() {
        reports.watch(ID);
        cgroup.kill(1);
        cgroup.kills = OptionalLong.empty();
        assertTrue(reports.ended(ID));
    }

    @Test
    void aContainerThatEndedWhileNoEngineRanIsJudgedByItsCgroupAtRecovery() {
        cgroup.kills = OptionalLong.of(2);
        assertTrue(reports.ended(ID));
        assertEquals(1, oomEvents());
    }

    @Test
    void aContainerWhoseCgroupIsGoneAtRecoveryIsNotOomKilled() {
        cgroup.kills = OptionalLong.empty();
        assertFalse(reports.ended(ID));
        assertEquals(0, oomEvents());
    }

    @Test
    void killsOfTheTimeWithoutAnEngineAreAnnouncedWhenARunningContainerIsWatchedAgain() {
        cgroup.kills = OptionalLong.of(1);
        reports.watch(ID);
        assertEquals(1, oomEvents());
    }

    @Test
    void aNewRunStartsFromItsOwnCgroupSoARestartAfterAnOomIsNotOomKilled() {
        reports.watch(ID);
        cgroup.kill(1);
        assertTrue(reports.ended(ID));
        cgroup.kills = OptionalLong.of(0); // the runtime made a fresh cgroup for the new start
        reports.watch(ID);
        assertFalse(reports.ended(ID));
    }

    @Test
    void withoutNotificationsTheEndStillReportsTheKill() {
        cgroup.refuseWatch = true;
        reports.watch(ID);
        cgroup.kills = OptionalLong.of(1);
        assertTrue(reports.ended(ID));
        assertEquals(1, oomEvents());
    }

    @Test
    void aRemovedContainerStopsBeingWatched() {
        reports.watch(ID);
        reports.forget(ID);
        assertTrue(cgroup.watchClosed);
    }
}
