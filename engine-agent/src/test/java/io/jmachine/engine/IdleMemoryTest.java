package io.jmachine.engine;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IdleMemoryTest {

    private static final Duration QUIET = Duration.ofMillis(200);

    @Test
    void memoryIsGivenBackOnceAfterABurstWhenTheEngineGoesQuiet() throws Exception {
        AtomicInteger givenBack = new AtomicInteger();
        try (IdleMemory idle = new IdleMemory(QUIET, givenBack::incrementAndGet)) {
            for (int i = 0; i < 10; i++) {
                idle.touch();
                Thread.sleep(QUIET.toMillis() / 4);
            }
            assertEquals(0, givenBack.get(), "not while the engine works");
            Thread.sleep(QUIET.toMillis() * 3);
            assertEquals(1, givenBack.get(), "once it is quiet");
            Thread.sleep(QUIET.toMillis() * 3);
            assertEquals(1, givenBack.get(), "and not again while it stays quiet");
        }
    }

    @Test
    void memoryIsGivenBackOneQuietSpellAfterTheLastTouchNotTwo() throws Exception {
        AtomicInteger givenBack = new AtomicInteger();
        Duration quiet = Duration.ofMillis(600);
        try (IdleMemory idle = new IdleMemory(quiet, givenBack::incrementAndGet)) {
            idle.touch(); // a request starts
            Thread.sleep(100);
            idle.touch(); // and ends
            Thread.sleep(quiet.toMillis() + 250);
            assertEquals(1, givenBack.get(), "quiet counts from the request's end, not from a wait that began before it");
        }
    }

    @Test
    void eachBurstGivesBackAgain() throws Exception {
        AtomicInteger givenBack = new AtomicInteger();
        try (IdleMemory idle = new IdleMemory(QUIET, givenBack::incrementAndGet)) {
            idle.touch();
            Thread.sleep(QUIET.toMillis() * 3);
            idle.touch();
            idle.touch();
            Thread.sleep(QUIET.toMillis() * 3);
            assertEquals(2, givenBack.get());
        }
    }

    @Test
    void aClosedEngineGivesNothingBack() throws Exception {
        AtomicInteger givenBack = new AtomicInteger();
        IdleMemory idle = new IdleMemory(QUIET, givenBack::incrementAndGet);
        idle.touch();
        idle.close();
        idle.touch();
        Thread.sleep(QUIET.toMillis() * 3);
        assertEquals(0, givenBack.get());
    }
}
