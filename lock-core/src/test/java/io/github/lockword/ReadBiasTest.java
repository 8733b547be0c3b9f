// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What only a {@linkplain RwLock.Builder#readBiased read-biased} lock does (BRAVO): readers on the
 * global slot table, revocation by every exclusive path, the inhibit time, thread-bound biased
 * shares and their introspection. The shared contract runs in {@link ReadBiasedLockContractTest}.
 *
 * <p>Readers here are fresh helper threads, so their slots are free unless a share of another lock
 * sits on the same slot (then the read falls back to the word); each test asserts that its readers
 * are in fact biased before it relies on it.
 */
class ReadBiasTest extends LockTestSupport {

    private static InstrumentedRwLock biased() {
        RwLock lock = RwLock.builder().name("biased").readBiased(true).build();
        return assertInstanceOf(InstrumentedRwLock.class, lock);
    }

    /** A helper thread holding a biased read share of {@code lock}; asserts it is on a slot. */
    private Holder holdBiasedRead(InstrumentedRwLock lock) throws InterruptedException {
        long before = lock.biasedReadShares();
        Holder h = holdRead(lock);
        assertEquals(before + 1, lock.biasedReadShares(), () -> "the read did not go to a slot: " + lock);
        return h;
    }

    /** More reads on the word than sampling could need to turn the bias back on (see below). */
    private static final int ENOUGH_READS = 50 * InstrumentedRwLock.REBIAS_SAMPLE;

    /**
     * Reads on the word (each asserted to be there) until one turns the bias back on, at most
     * {@link #ENOUGH_READS}; returns how many it took. The caller asserts that the bias is back.
     */
    private static int readOnTheWordUntilBiased(InstrumentedRwLock lock) {
        int reads = 0;
        while (!lock.biasNow() && reads < ENOUGH_READS) {
            lock.lockRead();
            assertEquals(R, lock.stateWord(), "a read before the bias is back goes to the word");
            lock.unlockRead();
            reads++;
        }
        return reads;
    }

    @Test
    void theDefaultLockIsNotBiasedAndTheBuilderOptionIs() {
        assertFalse(new RwLock() instanceof InstrumentedRwLock, "new RwLock() stays the one-word lock");
        InstrumentedRwLock built = (InstrumentedRwLock) RwLock.builder().build();
        assertFalse(built.isReadBiased());
        InstrumentedRwLock untracked = (InstrumentedRwLock)
                RwLock.builder().trackHolds(false).readBiased(true).build();
        assertTrue(untracked.isReadBiased(), "readBiased alone makes an instrumented lock");
        assertTrue(untracked.biasNow(), "a new read-biased lock starts biased");
    }

    @Test
    void aBiasedReadLeavesTheWordAlone() throws InterruptedException {
        InstrumentedRwLock lock = biased();
        Holder r = holdBiasedRead(lock);
        assertWord(R, lock); // the effective word
        assertEquals(0L, lock.stateWord(), "the word itself is untouched");
        assertTrue(lock.isLocked());
        assertFalse(lock.isWriteLocked());
        assertEquals(1, lock.getReadLockCount());
        assertTrue(lock.toString().contains("readers=1 (1 biased)"), lock::toString);
        r.release();
        assertEquals(0L, lock.biasedReadShares());
        assertFalse(lock.isLocked());
        assertEquals(0L, lock.stateWord());
    }

    @Test
    void introspectionCountsBiasedAndWordReadersTogether() throws InterruptedException {
        InstrumentedRwLock lock = biased();
        Holder a = holdBiasedRead(lock);
        Holder b = holdBiasedRead(lock);
        lock.inhibitBiasForTesting(3_600_000_000_000L); // the next read goes to the word
        Holder c = holdRead(lock);
        assertEquals(R, lock.stateWord());
        assertEquals(3, lock.getReadLockCount());
        assertTrue(lock.toString().contains("readers=3 (2 biased)"), lock::toString);
        LockReport report = LockReport.of(lock);
        assertEquals(2L, report.biasedReaders());
        assertTrue(report.toString().contains("2 read share(s) on the read-bias slots"), report::toString);
        a.release();
        b.release();
        c.release();
        assertWord(0, lock);
    }

    @Test
    void revocationWaitsForASlotReader() throws InterruptedException {
        InstrumentedRwLock lock = biased();
        Holder reader = holdBiasedRead(lock);
        AtomicBoolean wrote = new AtomicBoolean();
        Thread writer = newStartedThread("writer", () -> {
            lock.lockWrite();
            wrote.set(true);
            assertEquals(0L, lock.biasedReadShares(), "a writer got in while a biased reader held the lock");
            lock.unlockWrite();
        });
        waitForParked(lock, writer);
        assertTrue(isRevoking(lock, writer));
        assertFalse(wrote.get(), "the writer must wait for the biased reader");
        assertFalse(lock.biasNow(), "the writer has revoked the bias");
        assertEquals(W, lock.stateWord(), "WRITER is claimed in the word");
        assertEquals(null, lock.writeOwner(), "claimed, not held, while biased readers drain");
        assertFalse(lock.isWriteLocked());
        assertFalse(lock.tryLockRead(), "no reader gets in once the bias is revoked");
        Thread.sleep(SHORT_DELAY_MS);
        assertFalse(wrote.get(), "the writer must still wait for the biased reader");
        reader.release();
        awaitTermination(writer);
        assertTrue(wrote.get());
        assertWord(0, lock);
    }

    @Test
    void upgradeWaitsForASlotReaderAndTryUpgradeKeepsTheUpgradableLock() throws InterruptedException {
        InstrumentedRwLock lock = biased();
        Holder reader = holdBiasedRead(lock);
        lock.lockUpgradable(); // upgradable acquisition does not revoke
        assertTrue(lock.biasNow());
        assertFalse(lock.tryUpgrade(), "a biased reader is inside");
        assertEquals(R | U, lock.stateWord(), "a failed tryUpgrade keeps the upgradable lock");
        long start = System.nanoTime();
        assertFalse(lock.tryUpgrade(SHORT_DELAY_MS, MILLISECONDS));
        assertTimedOutWithin(SHORT_DELAY_MS, start, System.nanoTime());
        assertEquals(R | U, lock.stateWord(), "a timed-out upgrade keeps the upgradable lock");
        Thread releaser = newStartedThread("releaser", () -> {
            Thread.sleep(SHORT_DELAY_MS);
            reader.release();
        });
        lock.upgrade();
        assertEquals(0L, lock.biasedReadShares(), "upgraded while a biased reader held the lock");
        assertEquals(W, lock.stateWord());
        lock.unlockWrite();
        awaitTermination(releaser);
        assertWord(0, lock);
    }

    @Test
    void tryLockWriteGivesBackWhenBiasedReadersRemain() throws InterruptedException {
        InstrumentedRwLock lock = biased();
        Holder reader = holdBiasedRead(lock);
        assertFalse(lock.tryLockWrite());
        assertFalse(lock.writeLock().tryLock());
        assertFalse(lock.tryLockWrite(0, MILLISECONDS));
        assertEquals(0L, lock.stateWord(), "the write lock was given back");
        assertEquals(1L, lock.biasedReadShares());
        assertFalse(lock.isWriteLockedByCurrentThread());
        reader.release();
        // The bias is off and a revocation was left pending: the next writer must scan again.
        assertTrue(lock.tryLockWrite());
        lock.unlockWrite();
        assertWord(0, lock);
    }

    @Test
    void timedWriteTimesOutWhileABiasedReaderHoldsAndWakesWhomItHeldUp() throws InterruptedException {
        InstrumentedRwLock lock = biased();
        Holder reader = holdBiasedRead(lock);
        long timeoutMs = 200;
        AtomicLong elapsed = new AtomicLong(-1);
        AtomicBoolean result = new AtomicBoolean(true);
        Thread writer = newStartedThread("timed-writer", () -> {
            long start = System.nanoTime();
            result.set(lock.tryLockWrite(timeoutMs, MILLISECONDS));
            elapsed.set(System.nanoTime() - start);
        });
        waitForParked(lock, writer);
        // A reader arriving now finds WRITER claimed and queues behind the timed writer.
        AtomicBoolean lateIn = new AtomicBoolean();
        Thread late = newStartedThread("late-reader", () -> {
            lock.lockRead();
            lateIn.set(true);
            lock.unlockRead();
        });
        awaitTermination(writer);
        assertFalse(result.get(), "the biased reader never left");
        long ms = MILLISECONDS.convert(elapsed.get(), java.util.concurrent.TimeUnit.NANOSECONDS);
        assertTrue(ms >= timeoutMs - 1 && ms < timeoutMs + TIMEOUT_SLACK_MS, "took " + ms + " ms");
        awaitTermination(late); // the give-back woke it
        assertTrue(lateIn.get());
        assertEquals(1L, lock.biasedReadShares());
        assertEquals(0L, lock.stateWord(), "the timed-out writer gave WRITER back");
        reader.release();
        assertTrue(lock.tryLockWrite());
        lock.unlockWrite();
        assertWord(0, lock);
    }

    @Test
    void interruptDuringTheRevocationWaitThrowsAndGivesTheWriteLockBack() throws InterruptedException {
        InstrumentedRwLock lock = biased();
        Holder reader = holdBiasedRead(lock);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread writer = newStartedThread("writer", () -> {
            try {
                lock.lockWriteInterruptibly();
                lock.unlockWrite();
            } catch (InterruptedException e) {
                thrown.set(e);
            }
        });
        waitForParked(lock, writer);
        writer.interrupt();
        awaitTermination(writer);
        assertInstanceOf(InterruptedException.class, thrown.get());
        assertEquals(0L, lock.stateWord(), "the interrupted writer gave WRITER back");
        assertEquals(null, lock.writeOwner());
        assertEquals(1L, lock.biasedReadShares(), "the biased reader still holds");
        // A later writer must still wait for that reader (the revocation is pending).
        AtomicBoolean wrote = new AtomicBoolean();
        Thread second = newStartedThread("second-writer", () -> {
            lock.lockWrite();
            wrote.set(true);
            assertEquals(0L, lock.biasedReadShares());
            lock.unlockWrite();
        });
        waitForParked(lock, second);
        assertFalse(wrote.get());
        reader.release();
        awaitTermination(second);
        assertTrue(wrote.get());
        assertWord(0, lock);
    }

    @Test
    void notEveryReadOnTheWordReadsTheClock() {
        // With the inhibit time already over, a read on the word turns the bias back on only when it
        // is one of the sampled reads (one in REBIAS_SAMPLE, at random). Were every read to check,
        // the first read of each round would; the chance that sampling makes it the first read in
        // all 40 rounds is REBIAS_SAMPLE^-40.
        InstrumentedRwLock lock = biased();
        int firstReadRounds = 0;
        for (int round = 0; round < 40; round++) {
            lock.inhibitBiasForTesting(0);
            int reads = readOnTheWordUntilBiased(lock);
            assertTrue(lock.biasNow(), "the bias is still off after " + reads + " reads on the word");
            if (reads == 1) {
                firstReadRounds++;
            }
        }
        assertTrue(firstReadRounds < 40, "every round's first read turned the bias back on");
        assertEquals(0L, lock.stateWord());
    }

    @Test
    void theBiasComesBackOnlyAfterTheInhibitTime() throws InterruptedException {
        InstrumentedRwLock lock = biased();
        Holder reader = holdBiasedRead(lock);
        long revocationMs = 60;
        Thread writer = newStartedThread("writer", () -> {
            lock.lockWrite();
            lock.unlockWrite();
        });
        waitForParked(lock, writer);
        long revokeStart = System.nanoTime();
        Thread.sleep(revocationMs);
        reader.release();
        awaitTermination(writer);
        long revokeEnd = System.nanoTime();
        assertFalse(lock.biasNow());
        long inhibit = lock.inhibitUntilNanos() - revokeStart;
        assertTrue(
                inhibit >= InstrumentedRwLock.INHIBIT_FACTOR * MILLISECONDS.toNanos(revocationMs),
                "inhibited for only " + inhibit / 1_000_000 + " ms after a " + revocationMs + " ms revocation");
        // Until then reads go to the word and leave the bias off.
        if (System.nanoTime() - lock.inhibitUntilNanos() < 0) {
            Holder early = holdRead(lock);
            assertEquals(R, lock.stateWord(), "a read during the inhibit time goes to the word");
            assertEquals(0L, lock.biasedReadShares());
            early.release();
            // However many reads check the clock meanwhile.
            for (int i = 0; i < ENOUGH_READS; i++) {
                lock.lockRead();
                lock.unlockRead();
            }
            // The bias is read before the clock: if it is on and the inhibit time has still not
            // passed, a read turned it on too early.
            boolean biasOn = lock.biasNow();
            boolean stillInhibited = System.nanoTime() - lock.inhibitUntilNanos() < 0;
            assertFalse(biasOn && stillInhibited, "the bias came back during the inhibit time");
        }
        assertTrue(revokeEnd - revokeStart < MILLISECONDS.toNanos(LONG_DELAY_MS));
        // After it, reads on the word turn the bias back on: one in REBIAS_SAMPLE, at random, reads
        // the clock, so it takes a few (the chance that ENOUGH_READS are not enough is below 1e-20).
        // Then the next read is biased.
        while (System.nanoTime() - lock.inhibitUntilNanos() < 0) {
            Thread.sleep(10);
        }
        int reads = readOnTheWordUntilBiased(lock);
        assertTrue(lock.biasNow(), "the bias is back " + reads + " reads after the inhibit time");
        Holder slot = holdBiasedRead(lock);
        slot.release();
        assertWord(0, lock);
    }

    @Test
    void aWriterIsNotStarvedByAReaderFlood() throws InterruptedException {
        InstrumentedRwLock lock = biased();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        AtomicInteger inside = new AtomicInteger();
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            readers.add(newStartedThread("flood-" + i, () -> {
                while (!stop.get()) {
                    lock.lockRead();
                    try {
                        if (inside.get() != 0) {
                            throw new AssertionError("a reader is inside with the writer");
                        }
                        reads.incrementAndGet();
                    } finally {
                        lock.unlockRead();
                    }
                }
            }));
        }
        try {
            long worst = 0;
            for (int i = 0; i < 50; i++) {
                long start = System.nanoTime();
                lock.lockWrite();
                worst = Math.max(worst, System.nanoTime() - start);
                inside.incrementAndGet();
                Thread.onSpinWait();
                inside.decrementAndGet();
                lock.unlockWrite();
                Thread.sleep(1);
            }
            assertTrue(
                    worst < MILLISECONDS.toNanos(2_000), "a write waited " + worst / 1_000_000 + " ms under the flood");
        } finally {
            stop.set(true);
        }
        for (Thread t : readers) {
            awaitTermination(t);
        }
        assertTrue(reads.get() > 0);
        assertTrue(lock.revocations() > 0, "the readers were never biased");
        assertWord(0, lock);
    }

    @Test
    void aBiasedShareIsBoundToItsThread() throws InterruptedException {
        InstrumentedRwLock lock = biased();
        Holder reader = holdBiasedRead(lock);
        // This thread holds no share: the word has none to give, and the slot is not its own.
        IllegalMonitorStateException e = assertMisuse(lock, lock::unlockRead);
        assertTrue(e.getMessage().contains("read-bias slot"), e::getMessage);
        assertTrue(e.getMessage().contains("readers=1 (1 biased)"), e::getMessage);
        assertEquals(1L, lock.biasedReadShares(), "the other thread's share is intact");
        reader.release();
        assertWord(0, lock);
    }

    @Test
    void recursiveReadsNestOnTheSlotEvenBehindARevokingWriter() throws InterruptedException {
        InstrumentedRwLock lock = biased();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch writerWaits = new CountDownLatch(1);
        AtomicLong sharesWhileNested = new AtomicLong();
        Thread reader = newStartedThread("reader", () -> {
            lock.lockRead();
            holding.countDown();
            await(writerWaits);
            lock.lockReadRecursive(); // would deadlock on the word: WRITER is held, no word readers
            assertTrue(lock.tryLockReadRecursive(0, MILLISECONDS));
            sharesWhileNested.set(lock.biasedReadShares());
            lock.unlockRead();
            lock.unlockRead();
            lock.unlockRead();
        });
        await(holding);
        assertEquals(1L, lock.biasedReadShares());
        Thread writer = newStartedThread("writer", () -> {
            lock.lockWrite();
            lock.unlockWrite();
        });
        waitForParked(lock, writer);
        writerWaits.countDown();
        awaitTermination(reader);
        awaitTermination(writer);
        assertEquals(3L, sharesWhileNested.get(), "the recursive reads nested on the slot");
        assertWord(0, lock);
    }

    @Test
    void downgradeGoesToTheWordAndReleasesThere() {
        InstrumentedRwLock lock = biased();
        lock.lockWrite();
        lock.downgrade();
        assertEquals(R, lock.stateWord());
        assertEquals(0L, lock.biasedReadShares());
        lock.unlockRead();
        assertWord(0, lock);
    }

    @Test
    void checkedModeCountsBiasedReadsAsReadHolds() throws InterruptedException {
        InstrumentedRwLock lock = (InstrumentedRwLock)
                RwLock.builder().readBiased(true).checked(true).build();
        Holder reader = holdBiasedRead(lock);
        assertMisuse(lock, lock::unlockRead); // this thread holds nothing
        reader.release();
        lock.lockRead();
        assertEquals(1, lock.readHoldCount());
        assertThrows(IllegalMonitorStateException.class, lock::lockWrite, "a read holder asking for the write lock");
        lock.unlockRead();
        assertEquals(0, lock.readHoldCount());
        assertWord(0, lock);
    }

    @Test
    void aConditionWaiterReacquiresThroughRevocation() throws InterruptedException {
        InstrumentedRwLock lock = biased();
        java.util.concurrent.locks.Condition c = lock.writeLock().newCondition();
        AtomicBoolean signalled = new AtomicBoolean();
        AtomicLong sharesOnReturn = new AtomicLong(-1);
        Thread waiter = newStartedThread("waiter", () -> {
            lock.lockWrite();
            try {
                while (!signalled.get()) {
                    c.await();
                }
                sharesOnReturn.set(lock.biasedReadShares());
            } finally {
                lock.unlockWrite();
            }
        });
        waitForBlockedOn(c, waiter);
        lock.lockWrite();
        signalled.set(true);
        c.signal();
        lock.unlockWrite();
        // Biased readers may come and go; when the waiter returns, none may be inside.
        for (int i = 0; i < 100 && waiter.isAlive(); i++) {
            if (lock.tryLockRead()) {
                lock.unlockRead();
            }
        }
        awaitTermination(waiter);
        assertEquals(0L, sharesOnReturn.get());
        assertNotEquals(0L, lock.revocations());
        assertWord(0, lock);
    }
}
