// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Corruption is detected, not suffered (DESIGN.md section 5): on a word that breaks the layout's
 * invariants — the words of parking_lot issue 465, planted with {@code setStateWordForTesting} —
 * every acquisition that would wait fails fast with {@link LockCorruptedException} carrying the word
 * and the lock's name, instead of hanging; non-waiting {@code tryLock*()} just fail; the word is
 * left as it was. Each call runs in a helper thread so a regression shows as a bounded failure.
 */
class CorruptWordTest extends LockTestSupport {

    @FunctionalInterface
    interface Op {
        void run(RwLock lock) throws Throwable;
    }

    static Stream<Arguments> waitingAcquisitions() {
        long[] words = {0xFFFFFFFFFFFFFFFEL, 0xFFFFFFFFFFFFFFFFL};
        Object[][] ops = {
            {"lockRead", (Op) RwLock::lockRead},
            {"lockReadInterruptibly", (Op) RwLock::lockReadInterruptibly},
            {"tryLockRead(timeout)", (Op) l -> l.tryLockRead(LONG_DELAY_MS, MILLISECONDS)},
            {"lockWrite", (Op) RwLock::lockWrite},
            {"lockWriteInterruptibly", (Op) RwLock::lockWriteInterruptibly},
            {"tryLockWrite(timeout)", (Op) l -> l.tryLockWrite(LONG_DELAY_MS, MILLISECONDS)},
            {"lockUpgradable", (Op) RwLock::lockUpgradable},
            {"tryLockUpgradable(timeout)", (Op) l -> l.tryLockUpgradable(LONG_DELAY_MS, MILLISECONDS)},
            {"writeLock().lock", (Op) l -> l.writeLock().lock()},
        };
        Stream.Builder<Arguments> b = Stream.builder();
        for (long word : words) {
            for (Object[] op : ops) {
                b.add(Arguments.of(op[0], LockState.hex(word), word, op[1]));
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("waitingAcquisitions")
    void waitingAcquisitionOnACorruptWordThrowsInsteadOfHanging(String name, String hex, long word, Op op)
            throws InterruptedException {
        RwLock lock = RwLock.builder().name("corrupt").build();
        lock.setStateWordForTesting(word);
        try {
            Thread t = newStartedThread("acquirer", () -> {
                long start = System.nanoTime();
                LockCorruptedException e = assertThrows(LockCorruptedException.class, () -> op.run(lock));
                assertTrue(elapsedMillisSince(start) < TIMEOUT_SLACK_MS, "detected only after waiting");
                assertEquals(word, e.word());
                assertEquals("corrupt", e.lockName());
                assertTrue(e.getMessage().contains(hex), e.getMessage());
                assertTrue(e.getMessage().contains("RwLock(corrupt)@"), e.getMessage());
                assertTrue(e instanceof IllegalStateException);
            });
            awaitTermination(t);
            assertEquals(hex, LockState.hex(lock.stateWord()), "detection must not change the word");
            assertEquals(0, lock.getQueueLength());
        } finally {
            lock.setStateWordForTesting(0L);
        }
    }

    @Test
    void nonWaitingTryLocksOnACorruptWordJustFail() {
        for (long word : new long[] {0xFFFFFFFFFFFFFFFEL, 0xFFFFFFFFFFFFFFFFL}) {
            RwLock lock = new RwLock();
            String hex = LockState.hex(word);
            lock.setStateWordForTesting(word);
            assertFalse(lock.tryLockWrite());
            assertFalse(lock.tryLockRead());
            assertFalse(lock.tryLockUpgradable());
            assertEquals(hex, LockState.hex(lock.stateWord()));
            assertTrue(lock.toString().contains("CORRUPT word=" + hex), lock.toString());
            lock.setStateWordForTesting(0L);
        }
    }
}
