// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What a {@link LockListener} is told about waits: every wait that began ({@code contended}) ends
 * exactly once, with the mode the thread waited for (READ, UPGRADABLE, WRITE, UPGRADE) and how it
 * ended (acquired, timed out, interrupted), on every slow path: a normal wake-up, a handoff from a
 * fair unlock, a writer's or upgrader's wait for readers and its give-back.
 */
class WaitReportTest extends LockTestSupport {

    /** Records "event MODE" for every wait callback. */
    static final class Recorder implements LockListener {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void contended(RwLock lock, LockMode mode, long word) {
            calls.add("contended " + mode);
        }

        @Override
        public void acquiredAfterWait(RwLock lock, LockMode mode, long waitNanos) {
            calls.add("acquiredAfterWait " + mode);
        }

        @Override
        public void timedOut(RwLock lock, LockMode mode, long waitNanos) {
            calls.add("timedOut " + mode);
        }

        @Override
        public void interrupted(RwLock lock, LockMode mode, long waitNanos) {
            calls.add("interrupted " + mode);
        }
    }

    private static RwLock observed(Recorder r, boolean fair) {
        return RwLock.builder()
                .name("observed")
                .fair(fair)
                .trackHolds(false)
                .listener(r)
                .build();
    }

    @Test
    void upgradableWaitBehindAWriterIsReportedAsUpgradable() throws InterruptedException {
        Recorder r = new Recorder();
        RwLock lock = observed(r, false);
        lock.lockWrite();
        Thread t = newStartedThread("upgradable", () -> {
            lock.lockUpgradable();
            lock.unlockUpgradable();
        });
        waitForParked(lock, t);
        lock.unlockWrite();
        awaitTermination(t);
        assertEquals(List.of("contended UPGRADABLE", "acquiredAfterWait UPGRADABLE"), r.calls);
        assertWord(0, lock);
    }

    @Test
    void recursiveReadWaitBehindAWriterIsReportedAsRead() throws InterruptedException {
        Recorder r = new Recorder();
        RwLock lock = observed(r, false);
        lock.lockWrite();
        Thread t = newStartedThread("recursive-reader", () -> {
            lock.lockReadRecursive();
            lock.unlockRead();
        });
        waitForParked(lock, t);
        lock.unlockWrite();
        awaitTermination(t);
        assertEquals(List.of("contended READ", "acquiredAfterWait READ"), r.calls);
    }

    @Test
    void upgradeWaitingForReadersIsReportedAsUpgradeAndEndsOnceWhenTheyLeave() throws InterruptedException {
        Recorder r = new Recorder();
        RwLock lock = observed(r, false);
        Holder reader = holdRead(lock);
        Thread t = newStartedThread("upgrader", () -> {
            lock.lockUpgradable();
            lock.upgrade();
            lock.unlockWrite();
        });
        waitForParked(lock, t);
        reader.release();
        awaitTermination(t);
        assertEquals(List.of("contended UPGRADE", "acquiredAfterWait UPGRADE"), r.calls);
        assertWord(0, lock);
    }

    @Test
    void timedUpgradeThatGivesUpIsReportedAsTimedOutUpgrade() throws InterruptedException {
        Recorder r = new Recorder();
        RwLock lock = observed(r, false);
        lock.lockRead();
        Thread t = newStartedThread("upgrader", () -> {
            lock.lockUpgradable();
            assertFalse(lock.tryUpgrade(SHORT_DELAY_MS, MILLISECONDS));
            lock.unlockUpgradable();
        });
        awaitTermination(t);
        assertEquals(List.of("contended UPGRADE", "timedOut UPGRADE"), r.calls);
        lock.unlockRead();
        assertWord(0, lock);
    }

    @Test
    void interruptedWriterWaitingForReadersIsReportedAsInterruptedWrite() throws InterruptedException {
        Recorder r = new Recorder();
        RwLock lock = observed(r, false);
        lock.lockRead();
        Thread t = newStartedThread(
                "writer", () -> assertThrows(InterruptedException.class, lock::lockWriteInterruptibly));
        waitForParked(lock, t);
        t.interrupt();
        awaitTermination(t);
        assertEquals(List.of("contended WRITE", "interrupted WRITE"), r.calls);
        lock.unlockRead();
        assertWord(0, lock);
    }

    @Test
    void waitsEndedByAFairHandoffAreReportedAsAcquiredOnce() throws InterruptedException {
        Recorder r = new Recorder();
        RwLock lock = observed(r, true);
        lock.lockWrite();
        Thread reader = newStartedThread("reader", () -> {
            lock.lockRead();
            lock.unlockRead();
        });
        waitForParked(lock, reader);
        lock.unlockWrite(); // hands a read share to the reader
        awaitTermination(reader);
        assertEquals(List.of("contended READ", "acquiredAfterWait READ"), r.calls);

        r.calls.clear();
        lock.lockWrite();
        Thread writer = newStartedThread("writer", () -> {
            lock.lockWrite();
            lock.unlockWrite();
        });
        waitForParked(lock, writer);
        lock.unlockWrite(); // hands WRITER to the writer
        awaitTermination(writer);
        assertEquals(List.of("contended WRITE", "acquiredAfterWait WRITE"), r.calls);
        assertWord(0, lock);
        assertTrue(lock.isFair());
    }
}
