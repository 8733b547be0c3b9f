// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Behaviour that only an exact look pins down (each case was a surviving PIT mutant): the
 * {@link Duration} tries report failure, the interruptible guards really lock, a timed-out writer
 * or upgrader leaves the word exactly as before it asked (no stale WRITER_PARKED until the readers
 * happen to leave), {@code tryLockRead()} takes a share when the reader count's top bit is set, the write owner's downgrade refuses a word that does not show its write lock,
 * and a deserialized default lock is the plain class again.
 */
class PinnedEdgesTest extends LockTestSupport {

    @Test
    void durationTriesThatCannotGetTheLockReturnFalse() throws InterruptedException {
        RwLock lock = new RwLock();
        Holder writer = holdWrite(lock);
        assertFalse(lock.tryLockRead(Duration.ZERO));
        assertFalse(lock.tryLockReadRecursive(Duration.ZERO));
        assertFalse(lock.tryLockUpgradable(Duration.ZERO));
        assertFalse(lock.tryLockWrite(Duration.ZERO));
        assertWord(W, lock);
        writer.release();
        assertWord(0, lock);
    }

    @Test
    void tryLockReadWithTheCountsTopBitSetTakesItsShareOnTheSlowPath() {
        // 2^59 readers: the count's top bit is the word's sign bit, which the fast path leaves to
        // the slow path (it checks the 2^60-1 limit). That path must take the share, not refuse.
        RwLock lock = new RwLock();
        lock.setStateWordForTesting(Long.MIN_VALUE);
        assertTrue(lock.tryLockRead(), "a reader was refused at 2^59 readers, far below the limit");
        assertWord(Long.MIN_VALUE + R, lock);
        lock.unlockRead();
        assertWord(Long.MIN_VALUE, lock);
    }

    @Test
    void interruptibleGuardsHoldTheLockUntilClosed() throws InterruptedException {
        RwLock lock = new RwLock();
        try (ReadGuard g = lock.readInterruptibly()) {
            assertTrue(g.acquired());
            assertWord(R, lock);
        }
        assertWord(0, lock);
        try (WriteGuard g = lock.writeInterruptibly()) {
            assertTrue(g.acquired());
            assertWord(W, lock);
            assertTrue(lock.isWriteLockedByCurrentThread());
        }
        assertWord(0, lock);
    }

    @Test
    void aTimedOutWriteLeavesExactlyTheReadersItWaitedFor() throws InterruptedException {
        RwLock lock = new RwLock();
        Holder reader = holdRead(lock);
        assertFalse(lock.tryLockWrite(SHORT_DELAY_MS, MILLISECONDS));
        // Checked while the reader is still in: a WRITER_PARKED left behind would only be cleaned
        // up by the last reader's release.
        assertWord(R, lock);
        reader.release();
        assertWord(0, lock);
    }

    @Test
    void aTimedOutUpgradeLeavesExactlyTheUpgradableAndTheReader() throws InterruptedException {
        RwLock lock = new RwLock();
        lock.lockUpgradable();
        Holder reader = holdRead(lock);
        assertFalse(lock.tryUpgrade(SHORT_DELAY_MS, MILLISECONDS));
        assertWord(R + R + U, lock);
        reader.release();
        assertWord(R + U, lock);
        lock.unlockUpgradable();
        assertWord(0, lock);
    }

    @Test
    void downgradeOnAWordWithoutTheWriteLockIsMisuseAndNothingChanges() {
        RwLock lock = new RwLock();
        lock.lockWrite();
        lock.setStateWordForTesting(P); // owner recorded, WRITER gone: only a bug or a fault does this
        assertMisuse(lock, lock::downgrade);
        assertMisuse(lock, lock::downgradeToUpgradable);
        assertWord(P, lock);
        assertTrue(lock.isWriteLockedByCurrentThread());
        lock.setStateWordForTesting(W);
        lock.unlockWrite();
        assertWord(0, lock);
    }

    @Test
    void aDeserializedDefaultLockIsThePlainClassAndANamedOneKeepsItsName() throws Exception {
        RwLock plain = roundTrip(new RwLock(true));
        assertSame(RwLock.class, plain.getClass());
        assertTrue(plain.isFair());
        RwLock checked = roundTrip(RwLock.builder().checked(true).build());
        assertTrue(checked.toString().startsWith("RwLock@"), checked.toString());
        assertThrows(IllegalMonitorStateException.class, checked::unlockRead);
        RwLock named = roundTrip(RwLock.builder().name("orders").build());
        assertTrue(named.toString().startsWith("RwLock(orders)@"), named.toString());
        assertEquals(0, named.stateWord());
    }

    @Test
    void aNegativeLongHoldThresholdIsRefused() {
        RwLock.Builder b = RwLock.builder();
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> b.longHoldThreshold(Duration.ofMillis(-1)));
        assertTrue(e.getMessage().contains("negative"), e.getMessage());
        b.longHoldThreshold(Duration.ZERO); // zero is allowed: every hold is long
    }

    private static RwLock roundTrip(RwLock lock) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(lock);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (RwLock) in.readObject();
        }
    }
}
