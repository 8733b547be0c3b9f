package io.github.lockword;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * parking_lot issue 465: a timed write racing the last reader's release corrupted the word to
 * 0xFFFFFFFFFFFFFFFE. Many rounds of "a reader holds, a writer calls tryLockWrite with a tiny
 * timeout, the reader releases" must each end with the word at 0.
 */
class Issue465RegressionTest {

    @Test
    void timedWriteRacingLastReaderLeavesWordZeroEveryRound() throws Exception {
        RwLock lock = new RwLock();
        int rounds = 2_000;
        for (int round = 0; round < rounds; round++) {
            lock.lockRead();
            CountDownLatch started = new CountDownLatch(1);
            AtomicBoolean acquired = new AtomicBoolean();
            long timeoutNanos = 1_000 + (round % 50) * 2_000L; // 1 us .. 100 us
            Thread writer = new Thread(() -> {
                started.countDown();
                try {
                    if (lock.tryLockWrite(timeoutNanos, TimeUnit.NANOSECONDS)) {
                        acquired.set(true);
                        lock.unlockWrite();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            writer.start();
            started.await();
            if ((round & 1) == 0) {
                Thread.onSpinWait();
            } else {
                TimeUnit.NANOSECONDS.sleep(timeoutNanos / 2);
            }
            lock.unlockRead();
            writer.join(10_000);
            assertFalse(writer.isAlive(), "writer stuck in round " + round + ": " + lock);
            long w = lock.stateWord();
            assertTrue(LockState.isValid(w), "round " + round + ": " + LockState.explain(w));
            assertEquals(0L, w, "round " + round + " (writer acquired=" + acquired + "): " + LockState.explain(w));
        }
    }
}
