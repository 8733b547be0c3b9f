// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A timed acquisition with a zero or negative timeout is a non-waiting try: when the lock is not
 * available it fails without parking. Parking and timing out at once would also return false, so
 * only the listener, which sees every wait begin and end, can tell the two apart: here it must
 * see nothing. Every case leaves the word exactly as it was (no PARKED, no WRITER_PARKED).
 */
class ZeroTimeoutNeverWaitsTest extends LockTestSupport {

    private final List<String> waits = new CopyOnWriteArrayList<>();

    private RwLock listenedLock(String name) {
        LockListener listener = new LockListener() {
            @Override
            public void contended(RwLock lock, LockMode mode, long word) {
                waits.add("contended " + mode + " " + LockState.explain(word));
            }

            @Override
            public void timedOut(RwLock lock, LockMode mode, long waitNanos) {
                waits.add("timedOut " + mode);
            }

            @Override
            public void acquiredAfterWait(RwLock lock, LockMode mode, long waitNanos) {
                waits.add("acquiredAfterWait " + mode);
            }
        };
        return new RwLock(new Config(name, false, false, false, listener, null, Config.DEFAULT_LONG_HOLD.toNanos()));
    }

    @Test
    void zeroAndNegativeTimeoutsBehindAWriterFailWithoutWaiting() throws InterruptedException {
        RwLock lock = listenedLock("behind-writer");
        Holder writer = holdWrite(lock);
        assertFalse(lock.tryLockRead(0, MILLISECONDS));
        assertFalse(lock.tryLockRead(-1, MILLISECONDS));
        assertFalse(lock.tryLockUpgradable(0, NANOSECONDS));
        assertFalse(lock.tryLockUpgradable(-5, MILLISECONDS));
        assertFalse(lock.tryLockWrite(0, NANOSECONDS));
        assertFalse(lock.tryLockWrite(-1, MILLISECONDS));
        assertFalse(lock.readLock().tryLock(0, MILLISECONDS));
        assertFalse(lock.writeLock().tryLock(0, MILLISECONDS));
        assertEquals(List.of(), waits, "a zero timeout must not wait");
        assertWord(W, lock);
        writer.release();
        assertWord(0, lock);
    }

    @Test
    void zeroTimeoutWriteBehindAReaderFailsWithoutWaitingForIt() throws InterruptedException {
        RwLock lock = listenedLock("behind-reader");
        Holder reader = holdRead(lock);
        assertFalse(lock.tryLockWrite(0, NANOSECONDS));
        assertFalse(lock.tryLockWrite(-1, MILLISECONDS));
        assertEquals(List.of(), waits, "a zero timeout must not wait for the readers");
        assertWord(R, lock);
        reader.release();
        assertWord(0, lock);
    }

    @Test
    void zeroTimeoutUpgradeWithAnotherReaderInFailsWithoutWaiting() throws InterruptedException {
        RwLock lock = listenedLock("upgrade");
        lock.lockUpgradable();
        Holder reader = holdRead(lock);
        assertFalse(lock.tryUpgrade(0, NANOSECONDS));
        assertFalse(lock.tryUpgrade(-1, MILLISECONDS));
        assertEquals(List.of(), waits, "a zero-timeout upgrade must not wait for the reader");
        assertWord(R + R + U, lock);
        reader.release();
        assertTrue(lock.tryUpgrade(0, NANOSECONDS));
        assertWord(W, lock);
        lock.unlockWrite();
        assertWord(0, lock);
    }
}
