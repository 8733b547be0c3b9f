// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.DAYS;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Timed acquisition: every {@code tryLock*(long, TimeUnit)} and {@code tryUpgrade(long, TimeUnit)}.
 * A timed call that cannot get the lock returns false no earlier than its timeout and not much later
 * (plus {@link #TIMEOUT_SLACK_MS}), and gives back everything it took, so the word is exactly what it
 * was (and 0 once the holder leaves); waiters it held up are woken; one deadline covers both steps
 * of a write; zero and negative timeouts try once; huge timeouts wait forever; a null unit throws
 * {@link NullPointerException}.
 *
 * <p>A group of the {@link RwLockContract} suite: every variant of the lock runs it.
 */
public abstract class TimeoutContract extends ContractGroup {

    protected TimeoutContract(RwLockContract variant) {
        super(variant);
    }

    /** A timed acquisition: returns whether it got the lock. */
    interface TimedOp {
        boolean tryIt(RwLock lock, long timeout, TimeUnit unit) throws InterruptedException;
    }

    /** The timed acquisitions of a fresh lock, with how to release a successful one. */
    static Stream<Arguments> timedAcquisitions() {
        return Stream.of(
                Arguments.of("tryLockRead", (TimedOp) RwLock::tryLockRead, (Release) RwLock::unlockRead),
                Arguments.of(
                        "tryLockReadRecursive", (TimedOp) RwLock::tryLockReadRecursive, (Release) RwLock::unlockRead),
                Arguments.of("tryLockWrite", (TimedOp) RwLock::tryLockWrite, (Release) RwLock::unlockWrite),
                Arguments.of(
                        "tryLockUpgradable", (TimedOp) RwLock::tryLockUpgradable, (Release) RwLock::unlockUpgradable),
                Arguments.of(
                        "readLock().tryLock",
                        (TimedOp) (l, t, u) -> l.readLock().tryLock(t, u),
                        (Release) RwLock::unlockRead),
                Arguments.of(
                        "writeLock().tryLock",
                        (TimedOp) (l, t, u) -> l.writeLock().tryLock(t, u),
                        (Release) RwLock::unlockWrite));
    }

    @FunctionalInterface
    interface Release {
        void release(RwLock lock);
    }

    @FunctionalInterface
    interface Block {
        Holder block(LockTestSupport test, RwLock lock) throws InterruptedException;
    }

    /**
     * Every timed acquisition with a blocker that makes it wait, and the word it must leave behind
     * (what the blocker holds).
     */
    static Stream<Arguments> blockedTimedAcquisitions() {
        Block write = (t, l) -> t.holdWrite(l);
        Block read = (t, l) -> t.holdRead(l);
        Block upgradable = (t, l) -> t.holdUpgradable(l);
        return Stream.of(
                Arguments.of("tryLockRead", (TimedOp) RwLock::tryLockRead, "write", write, W),
                Arguments.of("tryLockReadRecursive", (TimedOp) RwLock::tryLockReadRecursive, "write", write, W),
                Arguments.of(
                        "readLock().tryLock",
                        (TimedOp) (l, t, u) -> l.readLock().tryLock(t, u),
                        "write",
                        write,
                        W),
                Arguments.of("tryLockUpgradable", (TimedOp) RwLock::tryLockUpgradable, "write", write, W),
                Arguments.of("tryLockUpgradable", (TimedOp) RwLock::tryLockUpgradable, "upgradable", upgradable, R | U),
                Arguments.of("tryLockWrite", (TimedOp) RwLock::tryLockWrite, "write", write, W),
                Arguments.of("tryLockWrite", (TimedOp) RwLock::tryLockWrite, "read", read, R),
                Arguments.of("tryLockWrite", (TimedOp) RwLock::tryLockWrite, "upgradable", upgradable, R | U),
                Arguments.of(
                        "writeLock().tryLock",
                        (TimedOp) (l, t, u) -> l.writeLock().tryLock(t, u),
                        "read",
                        read,
                        R),
                Arguments.of(
                        "writeLock().tryLock",
                        (TimedOp) (l, t, u) -> l.writeLock().tryLock(t, u),
                        "write",
                        write,
                        W));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timedAcquisitions")
    void zeroNegativeAndPositiveTimeoutsAcquireAFreeLock(String name, TimedOp op, Release release)
            throws InterruptedException {
        RwLock lock = newLock();
        for (long timeout : new long[] {0, -1, Long.MIN_VALUE, 1, SHORT_DELAY_MS, Long.MAX_VALUE}) {
            assertTrue(op.tryIt(lock, timeout, MILLISECONDS), name + "(" + timeout + ")");
            release.release(lock);
            assertWord(0, lock);
        }
    }

    @ParameterizedTest(name = "{0} blocked by {2}")
    @MethodSource("blockedTimedAcquisitions")
    void timedAcquisitionReturnsFalseAfterItsTimeoutAndLeavesTheWord(
            String name, TimedOp op, String blockedBy, Block block, long heldWord) throws InterruptedException {
        RwLock lock = newLock();
        Holder holder = block.block(this, lock);
        assertWord(heldWord, lock);
        long start = System.nanoTime();
        assertFalse(op.tryIt(lock, SHORT_DELAY_MS, MILLISECONDS));
        assertTimedOutWithin(SHORT_DELAY_MS, start, System.nanoTime());
        assertWord(heldWord, lock);
        assertEquals(0, lock.getQueueLength());
        holder.release();
        assertWord(0, lock);
    }

    @ParameterizedTest(name = "{0} blocked by {2}")
    @MethodSource("blockedTimedAcquisitions")
    void zeroAndNegativeTimeoutsTryOnceWithoutWaiting(
            String name, TimedOp op, String blockedBy, Block block, long heldWord) throws InterruptedException {
        RwLock lock = newLock();
        Holder holder = block.block(this, lock);
        for (long timeout : new long[] {0, -1, -SHORT_DELAY_MS, Long.MIN_VALUE}) {
            long start = System.nanoTime();
            assertFalse(op.tryIt(lock, timeout, NANOSECONDS), "timeout " + timeout);
            assertTrue(elapsedMillisSince(start) < TIMEOUT_SLACK_MS, "a try-once call waited");
            assertWord(heldWord, lock);
        }
        assertEquals(0, lock.getQueueLength());
        holder.release();
        assertWord(0, lock);
    }

    @ParameterizedTest(name = "{0} blocked by {2}")
    @MethodSource("blockedTimedAcquisitions")
    void hugeTimeoutsWaitUntilTheLockIsFree(String name, TimedOp op, String blockedBy, Block block, long heldWord)
            throws InterruptedException {
        // Each of these must mean "forever", never overflow into "already expired".
        long[][] timeouts = {
            {Long.MAX_VALUE, 0},
            {Long.MAX_VALUE / 2, 0},
            {Long.MAX_VALUE >>> 2, 0},
            {(Long.MAX_VALUE >>> 2) - 1, 0},
            {Long.MAX_VALUE, 1}
        };
        for (long[] t : timeouts) {
            RwLock lock = newLock();
            Holder holder = block.block(this, lock);
            TimeUnit unit = t[1] == 0 ? NANOSECONDS : DAYS;
            AtomicBoolean result = new AtomicBoolean();
            Thread waiter = newStartedThread("waiter", () -> result.set(op.tryIt(lock, t[0], unit)));
            waitForParked(lock, waiter);
            // Still waiting a little later: the deadline did not overflow into the past.
            Thread.sleep(20);
            assertTrue(waiter.isAlive() && isQueuedOn(lock, waiter), "gave up early with timeout " + t[0] + " " + unit);
            holder.release();
            awaitTermination(waiter);
            assertTrue(result.get(), "timeout " + t[0] + " " + unit);
        }
    }

    @Test
    void timedWriteWaitingOnAReaderReturnsFalseWithinItsTimeoutAndTheWordIsZeroOnceTheReaderLeaves()
            throws InterruptedException {
        long timeoutMs = 100;
        RwLock lock = newLock();
        lock.lockRead();
        AtomicLong elapsedNanos = new AtomicLong(-1);
        AtomicBoolean result = new AtomicBoolean(true);
        Thread writer = newStartedThread("timed-writer", () -> {
            long start = System.nanoTime();
            result.set(lock.tryLockWrite(timeoutMs, MILLISECONDS));
            elapsedNanos.set(System.nanoTime() - start);
        });
        waitForParked(lock, writer);
        assertWord(R | W | wp(lock), lock);
        awaitTermination(writer);
        assertFalse(result.get());
        assertTimedOutWithin(timeoutMs, 0, elapsedNanos.get());
        assertWord(R, lock);
        lock.unlockRead();
        assertWord(0, lock);
        // The lock works normally afterwards.
        assertTrue(lock.tryLockWrite(SHORT_DELAY_MS, MILLISECONDS));
        lock.unlockWrite();
        assertWord(0, lock);
    }

    /*
     * The three tests below need a second thread to queue behind a timed writer or upgrader before
     * it gives up. On a loaded machine that thread may not even have started by then: such a run
     * shows nothing, so it is wound up and the scenario run again with twice the timeout (at most
     * up to LONG_DELAY_MS, after which the test fails as before).
     */

    /** Waits until {@code t} is parked on the lock or has ended. */
    private static void waitForParkedOrGone(RwLock lock, Thread t) {
        waitUntil(
                t.getName() + " to park on the lock or end",
                () -> !t.isAlive() || (isQueuedOn(lock, t) && LockSupport.getBlocker(t) == lock && isWaitingState(t)),
                () -> lock + ", " + stackOf(t));
    }

    @Test
    void timedOutWriterWakesTheReadersItHeldUp() throws InterruptedException {
        for (long timeoutMs = SHORT_DELAY_MS * 4; ; timeoutMs *= 2) {
            RwLock lock = newLock();
            lock.lockRead();
            CountDownLatch writerGaveUp = new CountDownLatch(1);
            long t = timeoutMs;
            Thread writer = newStartedThread("timed-writer", () -> {
                assertFalse(lock.tryLockWrite(t, MILLISECONDS));
                writerGaveUp.countDown();
            });
            waitForParked(lock, writer);
            AtomicBoolean readerIn = new AtomicBoolean();
            Thread reader = newStartedThread("reader", () -> {
                lock.lockRead(); // blocked by the claimed WRITER
                readerIn.set(true);
                lock.unlockRead();
            });
            waitForParkedOrGone(lock, reader);
            long word = effectiveWord(lock);
            // Still in the WRITER queue after the snapshot: the writer had not given back before it.
            boolean heldUp = isQueuedOn(lock, reader) && queueKeyOf(lock, writer) == RwLock.KEY_WRITER;
            if (!heldUp && timeoutMs < LONG_DELAY_MS) {
                await(writerGaveUp);
                awaitTermination(reader);
                lock.unlockRead();
                assertWord(0, lock);
                continue;
            }
            assertEquals(LockState.explain(R | W | wp(lock) | P), LockState.explain(word));
            assertFalse(readerIn.get());
            // We keep our read: only the writer's give-back can let the reader in.
            await(writerGaveUp);
            awaitTermination(reader);
            assertTrue(readerIn.get());
            assertWord(R, lock);
            lock.unlockRead();
            assertWord(0, lock);
            return;
        }
    }

    @Test
    void timedOutWriterWakesTheWriterQueuedBehindIt() throws InterruptedException {
        for (long timeoutMs = SHORT_DELAY_MS * 4; ; timeoutMs *= 2) {
            RwLock lock = newLock();
            Holder reader = holdRead(lock);
            long t = timeoutMs;
            Thread timed = newStartedThread("timed-writer", () -> assertFalse(lock.tryLockWrite(t, MILLISECONDS)));
            waitForParked(lock, timed);
            AtomicBoolean wrote = new AtomicBoolean();
            Thread writer = newStartedThread("writer", () -> {
                lock.lockWrite();
                wrote.set(true);
                lock.unlockWrite();
            });
            waitForParkedOrGone(lock, writer);
            boolean behind =
                    queueKeyOf(lock, writer) == RwLock.KEY_MAIN && queueKeyOf(lock, timed) == RwLock.KEY_WRITER;
            if (!behind && timeoutMs < LONG_DELAY_MS) {
                reader.release();
                awaitTermination(timed);
                awaitTermination(writer);
                assertWord(0, lock);
                continue;
            }
            assertEquals(RwLock.KEY_MAIN, queueKeyOf(lock, writer));
            awaitTermination(timed);
            // The writer behind was woken by the give-back (seeded with the word, not R|U) and now
            // claims WRITER itself, waiting for the reader.
            waitUntil(
                    "the second writer to wait for readers",
                    () -> queueKeyOf(lock, writer) == RwLock.KEY_WRITER && isWaitingState(writer),
                    lock::toString);
            assertWord(R | W | wp(lock), lock);
            reader.release();
            awaitTermination(writer);
            assertTrue(wrote.get());
            assertWord(0, lock);
            return;
        }
    }

    @Test
    void timedOutUpgradeWakesTheReadersItHeldUpAndKeepsUpgradable() throws InterruptedException {
        for (long timeoutMs = SHORT_DELAY_MS * 4; ; timeoutMs *= 2) {
            RwLock lock = newLock();
            Holder reader = holdRead(lock);
            CountDownLatch gaveUp = new CountDownLatch(1);
            CountDownLatch mayRelease = new CountDownLatch(1);
            long t = timeoutMs;
            Thread upgrader = newStartedThread("upgrader", () -> {
                lock.lockUpgradable();
                assertFalse(lock.tryUpgrade(t, MILLISECONDS));
                gaveUp.countDown();
                await(mayRelease);
                lock.unlockUpgradable();
            });
            waitForParked(lock, upgrader);
            assertWord(R | W | wp(lock), lock);
            AtomicBoolean readerIn = new AtomicBoolean();
            Thread late = newStartedThread("late-reader", () -> {
                lock.lockRead();
                readerIn.set(true);
                lock.unlockRead();
            });
            waitForParkedOrGone(lock, late);
            boolean heldUp = isQueuedOn(lock, late) && queueKeyOf(lock, upgrader) == RwLock.KEY_WRITER;
            if (!heldUp && timeoutMs < LONG_DELAY_MS) {
                await(gaveUp);
                awaitTermination(late);
                mayRelease.countDown();
                awaitTermination(upgrader);
                reader.release();
                assertWord(0, lock);
                continue;
            }
            await(gaveUp);
            awaitTermination(late);
            assertTrue(readerIn.get());
            assertWord(2 * R | U, lock);
            mayRelease.countDown();
            awaitTermination(upgrader);
            reader.release();
            assertWord(0, lock);
            return;
        }
    }

    /**
     * One deadline covers both steps of a timed write: time spent in step 1 (behind a writer) is
     * not given again in step 2 (waiting for readers).
     */
    @Test
    void oneDeadlineCoversBothStepsOfATimedWrite() throws InterruptedException {
        long timeoutMs = 1_000;
        long step1Ms = 700; // at least this long blocked in step 1
        RwLock lock = newLock();
        lock.lockWrite();
        AtomicLong start = new AtomicLong();
        AtomicLong elapsed = new AtomicLong(-1);
        AtomicBoolean result = new AtomicBoolean(true);
        Thread writer = newStartedThread("timed-writer", () -> {
            start.set(System.nanoTime());
            result.set(lock.tryLockWrite(timeoutMs, MILLISECONDS));
            elapsed.set(System.nanoTime() - start.get());
        });
        waitForParked(lock, writer);
        assertEquals(RwLock.KEY_MAIN, queueKeyOf(lock, writer));
        while (elapsedMillisSince(start.get()) < step1Ms) {
            Thread.sleep(10);
        }
        lock.downgrade(); // now we read: the writer claims WRITER and waits for us (step 2)
        waitUntil(
                "the writer to wait for readers",
                () -> queueKeyOf(lock, writer) == RwLock.KEY_WRITER || !writer.isAlive(),
                lock::toString);
        awaitTermination(writer);
        assertFalse(result.get());
        long ms = NANOSECONDS.toMillis(elapsed.get());
        assertTrue(ms >= timeoutMs, "returned after " + ms + " ms");
        // Restarting the clock for step 2 would take at least step1Ms + timeoutMs.
        assertTrue(ms < step1Ms + timeoutMs, "step 2 got a fresh timeout: returned after " + ms + " ms");
        assertWord(R, lock);
        lock.unlockRead();
        assertWord(0, lock);
    }

    @Test
    void timedWriteSucceedsWhenTheWriterAheadLeavesInTime() throws InterruptedException {
        RwLock lock = newLock();
        Holder writer = holdWrite(lock);
        AtomicBoolean result = new AtomicBoolean();
        Thread timed = newStartedThread("timed-writer", () -> {
            result.set(lock.tryLockWrite(LONG_DELAY_MS, MILLISECONDS));
            if (result.get()) {
                lock.unlockWrite();
            }
        });
        waitForParked(lock, timed);
        writer.release();
        awaitTermination(timed);
        assertTrue(result.get());
        assertWord(0, lock);
    }

    @Test
    void manyTinyTimeoutsAgainstAReaderLeaveTheWordIntact() throws InterruptedException {
        RwLock lock = newLock();
        // The reader is another thread: the writer must not be a read holder (checked mode refuses that).
        Holder reader = holdRead(lock);
        for (int i = 0; i < 200; i++) {
            long nanos = (i % 20) * 5_000L; // 0 .. 95 us
            assertFalse(lock.tryLockWrite(nanos, NANOSECONDS));
            assertWord(R, lock);
            assertTrue(lock.tryLockRead(nanos, NANOSECONDS), "the timed-out writer did not give WRITER back");
            lock.unlockRead();
        }
        reader.release();
        assertWord(0, lock);
    }

    // ------------------------------------------------------------------------------ null TimeUnit

    static List<Arguments> nullUnitCalls() {
        return Arrays.asList(
                Arguments.of("tryLockRead", (TimedOp) RwLock::tryLockRead),
                Arguments.of("tryLockReadRecursive", (TimedOp) RwLock::tryLockReadRecursive),
                Arguments.of("tryLockWrite", (TimedOp) RwLock::tryLockWrite),
                Arguments.of("tryLockUpgradable", (TimedOp) RwLock::tryLockUpgradable),
                Arguments.of("readLock().tryLock", (TimedOp)
                        (l, t, u) -> l.readLock().tryLock(t, u)),
                Arguments.of("writeLock().tryLock", (TimedOp)
                        (l, t, u) -> l.writeLock().tryLock(t, u)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nullUnitCalls")
    void nullTimeUnitThrowsNullPointerExceptionAndLeavesTheWord(String name, TimedOp op) throws Exception {
        for (long timeout : new long[] {1, 0, -1}) {
            RwLock free = newLock();
            assertThrows(NullPointerException.class, () -> op.tryIt(free, timeout, null));
            assertWord(0, free);

            RwLock held = newLock();
            Holder writer = holdWrite(held);
            assertThrows(NullPointerException.class, () -> op.tryIt(held, timeout, null));
            assertWord(W, held);
            writer.release();
        }
    }

    @Test
    void nullTimeUnitForTimedUpgradeThrowsNullPointerExceptionAndKeepsUpgradable() {
        RwLock lock = newLock();
        lock.lockUpgradable();
        assertThrows(NullPointerException.class, () -> lock.tryUpgrade(1, null));
        assertThrows(NullPointerException.class, () -> lock.tryUpgrade(0, null));
        assertWord(R | U, lock);
        lock.unlockUpgradable();
        assertWord(0, lock);
    }

    @Test
    void timeUnitsAreHonoured() throws InterruptedException {
        RwLock lock = newLock();
        Holder writer = holdWrite(lock);
        long start = System.nanoTime();
        assertFalse(lock.tryLockRead(SHORT_DELAY_MS * 1_000_000, NANOSECONDS));
        assertFalse(lock.tryLockWrite(SHORT_DELAY_MS * 1_000, TimeUnit.MICROSECONDS));
        assertFalse(lock.tryLockUpgradable(0, SECONDS));
        assertTimedOutWithin(2 * SHORT_DELAY_MS, start, System.nanoTime());
        writer.release();
    }
}
