// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regression test: {@code tryLockWrite(0, unit)} failed on a free lock whose PARKED bit was set (a
 * thread parked, or an unlock that has not cleared the bit yet), because it only tried the
 * {@code 0 -> WRITER} CAS of {@code tryLockWrite()}. parking_lot's {@code try_lock_exclusive_for(0)}
 * succeeds there: it goes through {@code lock_common}, which takes WRITER whenever neither WRITER
 * nor UPGRADABLE is set. A zero or negative timeout now takes a free lock whatever PARKED says, and
 * leaves PARKED for the unlock to act on. The no-argument {@code tryLockWrite()} keeps its stricter
 * contract (it fails if any bit is set).
 */
class TryLockWriteZeroTimeoutTest extends LockTestSupport {

    @ParameterizedTest(name = "timeout {0} ns")
    @ValueSource(longs = {0L, -1L, Long.MIN_VALUE})
    void aFreeLockWithParkedSetIsTaken(long nanos) throws Exception {
        for (RwLock lock : new RwLock[] {
            new RwLock(),
            new RwLock(true),
            RwLock.builder().build(),
            RwLock.builder().checked(true).build()
        }) {
            lock.setStateWordForTesting(P);
            assertFalse(lock.tryLockWrite(), "tryLockWrite() fails if any bit is set");
            assertWord(P, lock);
            assertTrue(lock.tryLockWrite(nanos, NANOSECONDS), "free apart from PARKED: taken, on " + lock);
            assertWord(W | P, lock);
            assertTrue(lock.isWriteLockedByCurrentThread());
            assertSame(Thread.currentThread(), lock.writeOwner());
            lock.unlockWrite(); // the slow path finds no waiter and clears PARKED
            assertWord(0, lock);
        }
    }

    @ParameterizedTest(name = "word {0}")
    @ValueSource(longs = {0x18L /* W|R */, 0x11L /* R|P */, 0x15L /* R|U|P */, 0x09L /* W|P */, 0x1BL /* W|WP|P|R */})
    void aHeldOrClaimedLockIsNotTakenAndTheWordIsUnchanged(long word) throws Exception {
        RwLock lock = new RwLock();
        lock.setStateWordForTesting(word);
        assertFalse(lock.tryLockWrite(0, MILLISECONDS));
        assertWord(word, lock);
        lock.setStateWordForTesting(0L);
    }
}
