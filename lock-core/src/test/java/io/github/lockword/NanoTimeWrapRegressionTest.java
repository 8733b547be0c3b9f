// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regression tests: timing code assumed {@link System#nanoTime()} is positive. Its origin is
 * arbitrary and it may be negative (or wrap while the JVM runs); only differences are meaningful.
 *
 * <ul>
 *   <li>The parking lot's eventual-fairness timer started at 0, so with a negative clock
 *       {@code now - 0 >= 0} never held: no unlock was ever fair and a parked thread could be
 *       overtaken forever.</li>
 *   <li>A condition's deadline saturated at {@code Long.MAX_VALUE} through
 *       {@code Long.MAX_VALUE - start}, which overflows for a negative {@code start}; the wait then
 *       computed {@code deadline - now < 0} and timed out at once.</li>
 *   <li>The watchdog marked "no ownerless episode" with a nanoTime of -1 and tested
 *       {@code since < 0}: with a negative clock every scan restarted the episode, so an ownerless
 *       lock was never reported.</li>
 * </ul>
 * Each origin below is a clock reading the JDK allows.
 */
class NanoTimeWrapRegressionTest {

    @ParameterizedTest
    @ValueSource(
            longs = {
                Long.MIN_VALUE + 1_000,
                -4_611_686_018_427_387_904L,
                -1L,
                0L,
                1L,
                4_611_686_018_427_387_904L,
                Long.MAX_VALUE - 10_000_000L
            })
    void theFairnessTimerFiresWithinAMillisecondWhateverTheClocksOrigin(long origin) {
        ParkingLot.Bucket bucket = new ParkingLot.Bucket(origin);
        assertTrue(bucket.beFair(origin), "a new bucket's first unpark may be fair at once");
        // The next fair time lies within (0, 1 ms] after now, even where now + 1 ms wraps.
        assertTrue(bucket.beFair(origin + 1_000_001L), "fair again within 1 ms of the last fair unpark");
        long t = origin + 1_000_001L;
        int fair = 0;
        for (int i = 1; i <= 100; i++) {
            if (bucket.beFair(t + i * 100_000L)) { // every 0.1 ms for 10 ms
                fair++;
            }
        }
        assertTrue(fair >= 9, "about one fair unpark every 0.5 ms over 10 ms, got " + fair);
        assertFalse(new ParkingLot.Bucket(origin).beFair(origin - 1), "not before the bucket's start");
    }

    @ParameterizedTest
    @ValueSource(longs = {Long.MIN_VALUE + 1_000, -1L, 0L, Long.MAX_VALUE - 1_000})
    void aConditionDeadlineLiesAheadForAnyTimeoutAndAnyOrigin(long now) {
        for (long nanos : new long[] {1L, 1_000_000L, Long.MAX_VALUE / 2, Long.MAX_VALUE}) {
            long deadline = WriteCondition.deadline(now, nanos);
            assertTrue(deadline - now > 0, "deadline " + nanos + " ns after " + now + " lies ahead");
            assertTrue(deadline - (now + 1_000) > 0 || nanos <= 1_000, "and still ahead 1 us later");
        }
    }

    @Test
    void theWatchdogReportsAnOwnerlessLockWhenTheClockIsNegative() throws Exception {
        long shift = Long.MIN_VALUE / 2 - System.nanoTime(); // the watchdog's clock reads about -2^62
        BlockingQueue<LockReport> reports = new LinkedBlockingQueue<>();
        RwLock lock = RwLock.builder().name("wd-negative-clock").build();
        try (LockWatchdog wd = LockWatchdog.builder()
                        .clock(() -> System.nanoTime() + shift)
                        .period(Duration.ofMillis(20))
                        .threshold(Duration.ofMillis(150))
                        .handler(reports::add)
                        .start();
                DiagTestSupport.Helpers h = new DiagTestSupport.Helpers()) {
            wd.register(lock);
            lock.lockWrite();
            Thread reader = h.start("wd-negative-clock-reader", () -> {
                try {
                    lock.lockReadInterruptibly();
                    lock.unlockRead();
                } catch (InterruptedException expected) {
                    // released below
                }
            });
            DiagTestSupport.awaitParkedOn(lock, reader);
            lock.setStateWordForTesting(LockState.PARKED); // a lost wake-up: nobody holds, a reader sleeps
            LockReport found = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (found == null && System.nanoTime() - deadline < 0) {
                LockReport r = reports.poll(50, TimeUnit.MILLISECONDS);
                if (r != null && r.has(LockReport.Kind.OWNERLESS)) {
                    found = r;
                }
            }
            lock.setStateWordForTesting(LockState.WRITER | LockState.PARKED);
            lock.unlockWrite();
            reader.join(TimeUnit.SECONDS.toMillis(10));
            assertTrue(found != null, "OWNERLESS reported within 5 s although the clock is negative");
        }
    }
}
