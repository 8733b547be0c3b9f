// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lockword.RwLock;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fixed lock under every chaos fault alone and all combined, eventually fair and fair: a
 * randomized run over every operation keeps the invariants after every operation, keeps mutual
 * exclusion, returns every timed operation close to its deadline and ends with the word at 0.
 */
class ChaosTest {

    private static final Duration RUN = Duration.ofMillis(1500);
    private static final Duration MAX_LATE_UNPARK = Duration.ofNanos(300_000);

    static Stream<Arguments> chaos() {
        return Stream.of(
                Arguments.of(
                        "spurious wake-ups",
                        Chaos.builder().spuriousWakeups(0.3, 11).build(),
                        false),
                Arguments.of(
                        "early timeouts", Chaos.builder().earlyTimeouts(0.3, 12).build(), false),
                Arguments.of(
                        "late unparks",
                        Chaos.builder().lateUnparks(0.5, 13, MAX_LATE_UNPARK).build(),
                        false),
                Arguments.of("interrupts", Chaos.builder().interrupts(0.2, 14).build(), false),
                Arguments.of("all combined", Chaos.all(0.2, 15, MAX_LATE_UNPARK), false),
                Arguments.of("all combined, fair lock", Chaos.all(0.2, 16, MAX_LATE_UNPARK), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chaos")
    void fixedLockSurvives(String name, Chaos chaos, boolean fair) throws Exception {
        RwLock lock = FaultyLocks.builder().chaos(chaos).fair(fair).build();
        RandomRun.Report r = RandomRun.run(lock, 4, RUN, name.hashCode());
        String context = name + ": " + chaos + "\n  " + r;

        assertTrue(r.failures.isEmpty(), context);
        assertEquals(0L, r.finalWord, "the run must end with the word at 0; " + context);
        assertTrue(r.acquired > 1000, "too little progress; " + context);
        // The chaos must really have happened, or the test proves nothing.
        for (Chaos.Kind k : Chaos.Kind.values()) {
            if (chaos.rate(k) > 0) {
                assertTrue(chaos.injected(k) > 0, k + " was never injected; " + context);
            }
        }
        if (chaos.rate(Chaos.Kind.INTERRUPT) > 0) {
            assertTrue(r.interruptedExceptions > 0, "no interruptible wait was interrupted; " + context);
        }
    }
}
