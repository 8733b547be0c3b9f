// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Misuse never corrupts the word: releasing or converting what the caller does not hold, write
 * re-entry by the owner, and a read request by the write owner each throw
 * {@link IllegalMonitorStateException} whose message names the lock and its decoded state, and the
 * word is the same before and after. Also the reader-count limit: at 2^60 - 1 readers every further
 * read share fails with a clear exception and the word is unchanged.
 *
 * <p>A group of the {@link RwLockContract} suite: every variant of the lock runs it.
 */
public abstract class MisuseContract extends ContractGroup {

    protected MisuseContract(RwLockContract variant) {
        super(variant);
    }

    @FunctionalInterface
    interface Op {
        void run(RwLock lock) throws Throwable;
    }

    private static Executable on(RwLock lock, Op op) {
        return () -> op.run(lock);
    }

    // ------------------------------------------------------------------------------ unlockRead

    @Test
    void unlockReadWithNoReadersThrows() throws InterruptedException {
        RwLock lock = newLock();
        assertMisuse(lock, lock::unlockRead);
        assertMisuse(lock, () -> lock.readLock().unlock());
        assertWord(0, lock);

        lock.lockWrite();
        assertMisuse(lock, lock::unlockRead);
        assertMisuse(lock, () -> lock.readLock().unlock());
        assertWord(W, lock);
        lock.unlockWrite();

        RwLock other = newLock();
        Holder writer = holdWrite(other);
        assertMisuse(other, other::unlockRead);
        assertWord(W, other);
        writer.release();
        assertWord(0, other);
    }

    @Test
    void unlockReadWithNoReadersWhileThreadsWaitThrows() throws InterruptedException {
        RwLock lock = newLock();
        Holder writer = holdWrite(lock);
        Thread waiter = newStartedThread("waiter", () -> {
            lock.lockRead();
            lock.unlockRead();
        });
        waitForParked(lock, waiter);
        assertWord(W | P, lock);
        assertMisuse(lock, lock::unlockRead);
        writer.release();
        awaitTermination(waiter);
        assertWord(0, lock);
    }

    /**
     * When the only reader is the upgradable holder, a plain {@code unlockRead} would leave
     * UPGRADABLE with no reader, a word that breaks the layout's invariants. Whatever the lock does
     * (refuse as misuse, or release the whole upgradable share), the word must stay valid.
     */
    @Test
    void unlockReadByTheSoleUpgradableHolderNeverLeavesAnInvalidWord() {
        RwLock lock = newLock();
        lock.lockUpgradable();
        long before = lock.stateWord();
        try {
            lock.unlockRead();
        } catch (IllegalMonitorStateException refused) {
            assertEquals(LockState.hex(before), LockState.hex(lock.stateWord()), "misuse changed the word");
        }
        long after = lock.stateWord();
        assertTrue(
                LockState.violations(after).isEmpty(),
                () -> "unlockRead() on " + LockState.explain(before) + " left " + LockState.explain(after));
        lock.setStateWordForTesting(0L);
    }

    // ----------------------------------------------------------------------------- unlockWrite

    @Test
    void unlockWriteWhenNotLockedThrows() {
        RwLock lock = newLock();
        assertMisuse(lock, lock::unlockWrite);
        assertMisuse(lock, lock::unlockWriteFair);
        assertMisuse(lock, () -> lock.writeLock().unlock());
        assertWord(0, lock);
    }

    @Test
    void unlockWriteWhileOnlyReadingOrUpgradableThrows() {
        RwLock lock = newLock();
        lock.lockRead();
        assertMisuse(lock, lock::unlockWrite);
        assertMisuse(lock, lock::unlockWriteFair);
        lock.unlockRead();
        lock.lockUpgradable();
        assertMisuse(lock, lock::unlockWrite);
        assertMisuse(lock, () -> lock.writeLock().unlock());
        lock.unlockUpgradable();
        assertWord(0, lock);
    }

    @Test
    void unlockWriteByANonOwnerThrowsAndTheOwnerKeepsTheLock() throws InterruptedException {
        RwLock lock = newLock();
        Holder writer = holdWrite(lock);
        assertMisuse(lock, lock::unlockWrite);
        assertMisuse(lock, lock::unlockWriteFair);
        assertMisuse(lock, () -> lock.writeLock().unlock());
        assertWord(W, lock);
        assertSame(writer.thread, lock.writeOwner());
        writer.release(); // the owner can still unlock
        assertWord(0, lock);
    }

    @Test
    void unlockWriteWhileAnotherThreadOnlyClaimsWriterThrows() throws InterruptedException {
        RwLock lock = newLock();
        lock.lockRead();
        Thread writer = newStartedThread("writer", () -> {
            lock.lockWrite();
            lock.unlockWrite();
        });
        waitForParked(lock, writer);
        assertWord(R | W | wp(lock), lock);
        assertMisuse(lock, lock::unlockWrite);
        assertMisuse(lock, lock::unlockWriteFair);
        lock.unlockRead();
        awaitTermination(writer);
        assertWord(0, lock);
    }

    // ------------------------------------------------------------------------------- upgradable

    static Stream<Arguments> needUpgradable() {
        return Stream.of(
                Arguments.of("unlockUpgradable", (Op) RwLock::unlockUpgradable),
                Arguments.of("unlockUpgradableFair", (Op) RwLock::unlockUpgradableFair),
                Arguments.of("upgrade", (Op) RwLock::upgrade),
                Arguments.of("tryUpgrade", (Op) RwLock::tryUpgrade),
                Arguments.of("tryUpgrade(timeout)", (Op) l -> l.tryUpgrade(LONG_DELAY_MS, MILLISECONDS)),
                Arguments.of("tryUpgrade(0)", (Op) l -> l.tryUpgrade(0, MILLISECONDS)),
                Arguments.of("tryUpgrade(-1)", (Op) l -> l.tryUpgrade(-1, MILLISECONDS)),
                Arguments.of("downgradeUpgradable", (Op) RwLock::downgradeUpgradable));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("needUpgradable")
    void upgradableOperationWithoutUpgradableThrowsAndLeavesTheWord(String name, Op op) throws InterruptedException {
        RwLock lock = newLock();
        assertMisuse(lock, on(lock, op)); // unlocked
        lock.lockRead();
        assertMisuse(lock, on(lock, op)); // reading only
        lock.lockRead();
        assertMisuse(lock, on(lock, op)); // two readers
        lock.unlockRead();
        lock.unlockRead();
        lock.lockWrite();
        assertMisuse(lock, on(lock, op)); // writing
        lock.unlockWrite();
        assertWord(0, lock);

        Holder writer = holdWrite(lock);
        assertMisuse(lock, on(lock, op)); // another thread writes
        writer.release();
        assertWord(0, lock);
    }

    @Test
    void upgradableOperationsWithoutUpgradableWhileAWriterWaitsThrow() throws InterruptedException {
        RwLock lock = newLock();
        lock.lockRead();
        Thread writer = newStartedThread("writer", () -> {
            lock.lockWrite();
            lock.unlockWrite();
        });
        waitForParked(lock, writer);
        needUpgradable().forEach(a -> assertMisuse(lock, on(lock, (Op) a.get()[1])));
        assertWord(R | W | wp(lock), lock);
        lock.unlockRead();
        awaitTermination(writer);
        assertWord(0, lock);
    }

    // ------------------------------------------------------------------------------- downgrade

    static Stream<Arguments> needWrite() {
        return Stream.of(Arguments.of("downgrade", (Op) RwLock::downgrade), Arguments.of("downgradeToUpgradable", (Op)
                RwLock::downgradeToUpgradable));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("needWrite")
    void downgradeWithoutTheWriteLockThrowsAndLeavesTheWord(String name, Op op) throws InterruptedException {
        RwLock lock = newLock();
        assertMisuse(lock, on(lock, op));
        lock.lockRead();
        assertMisuse(lock, on(lock, op));
        lock.unlockRead();
        lock.lockUpgradable();
        assertMisuse(lock, on(lock, op));
        lock.unlockUpgradable();
        assertWord(0, lock);

        Holder writer = holdWrite(lock);
        assertMisuse(lock, on(lock, op));
        assertSame(writer.thread, lock.writeOwner());
        writer.release();
        assertWord(0, lock);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("needWrite")
    void downgradeWhileAnotherThreadOnlyClaimsWriterThrows(String name, Op op) throws InterruptedException {
        RwLock lock = newLock();
        lock.lockRead();
        Thread writer = newStartedThread("writer", () -> {
            lock.lockWrite();
            lock.unlockWrite();
        });
        waitForParked(lock, writer);
        assertMisuse(lock, on(lock, op));
        assertWord(R | W | wp(lock), lock);
        lock.unlockRead();
        awaitTermination(writer);
        assertWord(0, lock);
    }

    // ------------------------------------------------------------------- requests by the write owner

    static Stream<Arguments> ownerRequests() {
        return Stream.of(
                Arguments.of("lockWrite", (Op) RwLock::lockWrite),
                Arguments.of("lockWriteInterruptibly", (Op) RwLock::lockWriteInterruptibly),
                Arguments.of("tryLockWrite(timeout)", (Op) l -> l.tryLockWrite(LONG_DELAY_MS, MILLISECONDS)),
                Arguments.of("writeLock().lock", (Op) l -> l.writeLock().lock()),
                Arguments.of(
                        "writeLock().lockInterruptibly", (Op) l -> l.writeLock().lockInterruptibly()),
                Arguments.of(
                        "writeLock().tryLock(timeout)", (Op) l -> l.writeLock().tryLock(LONG_DELAY_MS, MILLISECONDS)),
                Arguments.of("lockRead", (Op) RwLock::lockRead),
                Arguments.of("lockReadInterruptibly", (Op) RwLock::lockReadInterruptibly),
                Arguments.of("tryLockRead(timeout)", (Op) l -> l.tryLockRead(LONG_DELAY_MS, MILLISECONDS)),
                Arguments.of("lockReadRecursive", (Op) RwLock::lockReadRecursive),
                Arguments.of(
                        "tryLockReadRecursive(timeout)", (Op) l -> l.tryLockReadRecursive(LONG_DELAY_MS, MILLISECONDS)),
                Arguments.of("readLock().lock", (Op) l -> l.readLock().lock()),
                Arguments.of(
                        "readLock().lockInterruptibly", (Op) l -> l.readLock().lockInterruptibly()),
                Arguments.of("lockUpgradable", (Op) RwLock::lockUpgradable),
                Arguments.of("lockUpgradableInterruptibly", (Op) RwLock::lockUpgradableInterruptibly),
                Arguments.of("tryLockUpgradable(timeout)", (Op) l -> l.tryLockUpgradable(LONG_DELAY_MS, MILLISECONDS)));
    }

    /** The write owner asking for the lock again would wait for itself: it gets an exception instead. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("ownerRequests")
    void writeOwnerRequestingTheLockAgainThrowsInsteadOfDeadlocking(String name, Op op) throws InterruptedException {
        RwLock lock = newLock();
        // In a helper thread, so that a self-deadlock fails this test (bounded) instead of hanging it.
        Thread owner = newStartedThread("owner", () -> {
            lock.lockWrite();
            long start = System.nanoTime();
            IllegalMonitorStateException e = assertMisuse(lock, on(lock, op));
            assertTrue(elapsedMillisSince(start) < TIMEOUT_SLACK_MS, "the owner waited before failing");
            assertTrue(lock.isWriteLockedByCurrentThread());
            assertFalse(e.getMessage().isEmpty());
            lock.unlockWrite();
        });
        awaitTermination(owner);
        assertWord(0, lock);
    }

    @Test
    void writeOwnerRequestingTheLockWithThreadsQueuedThrowsAndLeavesTheWord() throws InterruptedException {
        RwLock lock = newLock();
        lock.lockWrite();
        Thread waiter = newStartedThread("waiter", () -> {
            lock.lockRead();
            lock.unlockRead();
        });
        waitForParked(lock, waiter);
        ownerRequests().forEach(a -> assertMisuse(lock, on(lock, (Op) a.get()[1])));
        assertWord(W | P, lock);
        lock.unlockWrite();
        awaitTermination(waiter);
        assertWord(0, lock);
    }

    @Test
    void writeOwnerNonWaitingTryLocksJustFail() throws InterruptedException {
        RwLock lock = newLock();
        lock.lockWrite();
        assertFalse(lock.tryLockWrite());
        assertFalse(lock.tryLockRead());
        assertFalse(lock.tryLockUpgradable());
        assertFalse(lock.tryLockWrite(0, MILLISECONDS));
        assertFalse(lock.tryLockRead(-1, MILLISECONDS));
        assertFalse(lock.writeLock().tryLock());
        assertFalse(lock.readLock().tryLock());
        assertWord(W, lock);
        assertTrue(lock.isWriteLockedByCurrentThread());
        lock.unlockWrite();
        assertWord(0, lock);
    }

    // ----------------------------------------------------------------------------- messages

    @Test
    void misuseMessageNamesTheOperation() throws InterruptedException {
        RwLock lock = newLock();
        assertTrue(assertMisuse(lock, lock::unlockWrite).getMessage().contains("unlockWrite"));
        assertTrue(assertMisuse(lock, lock::unlockUpgradable).getMessage().contains("unlockUpgradable"));
        assertTrue(assertMisuse(lock, lock::upgrade).getMessage().contains("upgrade"));
        assertTrue(assertMisuse(lock, lock::downgrade).getMessage().contains("downgrade"));
        AtomicReference<IllegalMonitorStateException> fromOther = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        lock.lockWrite();
        newStartedThread("other", () -> {
            fromOther.set(assertThrows(IllegalMonitorStateException.class, lock::unlockWrite));
            done.countDown();
        });
        await(done);
        assertTrue(
                fromOther.get().getMessage().contains(lockId(lock)),
                fromOther.get().getMessage());
        assertTrue(
                fromOther.get().getMessage().contains("WRITER"), fromOther.get().getMessage());
        lock.unlockWrite();
    }

    // ------------------------------------------------------------------------ reader-count overflow

    static Stream<Arguments> readShares() {
        return Stream.of(
                Arguments.of("lockRead", (Op) RwLock::lockRead),
                Arguments.of("lockReadInterruptibly", (Op) RwLock::lockReadInterruptibly),
                Arguments.of("tryLockRead", (Op) RwLock::tryLockRead),
                Arguments.of("tryLockRead(timeout)", (Op) l -> l.tryLockRead(LONG_DELAY_MS, MILLISECONDS)),
                Arguments.of("tryLockRead(0)", (Op) l -> l.tryLockRead(0, MILLISECONDS)),
                Arguments.of("lockReadRecursive", (Op) RwLock::lockReadRecursive),
                Arguments.of(
                        "tryLockReadRecursive(timeout)", (Op) l -> l.tryLockReadRecursive(LONG_DELAY_MS, MILLISECONDS)),
                Arguments.of("readLock().lock", (Op) l -> l.readLock().lock()),
                Arguments.of("readLock().tryLock", (Op) l -> l.readLock().tryLock()),
                Arguments.of("lockUpgradable", (Op) RwLock::lockUpgradable),
                Arguments.of("lockUpgradableInterruptibly", (Op) RwLock::lockUpgradableInterruptibly),
                Arguments.of("tryLockUpgradable", (Op) RwLock::tryLockUpgradable),
                Arguments.of("tryLockUpgradable(timeout)", (Op) l -> l.tryLockUpgradable(LONG_DELAY_MS, MILLISECONDS)));
    }

    private static void assertOverflowRefused(RwLock lock, Op op, String name) {
        long before = lock.stateWord();
        long start = System.nanoTime();
        RuntimeException e = assertThrows(
                RuntimeException.class,
                on(lock, op),
                name + " on " + LockState.explain(before) + " must refuse a reader past 2^60-1");
        assertTrue(elapsedMillisSince(start) < TIMEOUT_SLACK_MS, "overflow must fail fast, not wait");
        assertEquals(LockState.hex(before), LockState.hex(lock.stateWord()), "overflow changed the word");
        assertTrue(e instanceof IllegalStateException, () -> "expected IllegalStateException: " + e);
        String msg = String.valueOf(e.getMessage());
        assertTrue(msg.contains("overflow") && msg.contains("2^60-1"), msg);
        assertTrue(msg.contains(lockId(lock)), msg);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readShares")
    void readerCountOverflowIsRefusedAndLeavesTheWord(String name, Op op) {
        RwLock lock = wordReadsOnly(newLock()); // read-biased: the limit is the word's, so bias off
        try {
            lock.setStateWordForTesting(LockState.READERS_MASK);
            assertOverflowRefused(lock, op, name);
            lock.setStateWordForTesting(LockState.READERS_MASK | P);
            assertOverflowRefused(lock, op, name);
        } finally {
            lock.setStateWordForTesting(0L);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readShares")
    void theLastReaderThatFitsGetsInAndTheNextIsRefused(String name, Op op) throws Throwable {
        RwLock lock = wordReadsOnly(newLock()); // read-biased: the limit is the word's, so bias off
        try {
            lock.setStateWordForTesting(LockState.READERS_MASK - R);
            op.run(lock);
            long full = lock.stateWord();
            assertEquals(LockState.MAX_READERS, LockState.readers(full));
            assertTrue(LockState.violations(full).isEmpty(), LockState.explain(full));
            assertEquals(Integer.MAX_VALUE, lock.getReadLockCount(), "getReadLockCount saturates");
            if ((full & U) != 0) {
                // We now hold the upgradable lock: another upgradable is blocked, a reader overflows.
                assertFalse(lock.tryLockUpgradable());
                assertOverflowRefused(lock, RwLock::tryLockRead, "tryLockRead");
                assertOverflowRefused(lock, RwLock::lockRead, "lockRead");
            } else {
                assertOverflowRefused(lock, op, name);
            }
            // And the reader inside can leave normally.
            if ((full & U) != 0) {
                lock.unlockUpgradable();
            } else {
                lock.unlockRead();
            }
            assertWord(LockState.READERS_MASK - R, lock);
        } finally {
            lock.setStateWordForTesting(0L);
        }
    }

    @Test
    void upgradableAtTheLimitWithAnUpgradableHolderIsBlockedNotOverflowed() throws InterruptedException {
        RwLock lock = wordReadsOnly(newLock()); // read-biased: the limit is the word's, so bias off
        try {
            lock.setStateWordForTesting(LockState.READERS_MASK | U);
            assertFalse(lock.tryLockUpgradable());
            assertFalse(lock.tryLockUpgradable(0, MILLISECONDS));
            assertThrows(IllegalStateException.class, lock::tryLockRead);
            assertWord(LockState.READERS_MASK | U, lock);
        } finally {
            lock.setStateWordForTesting(0L);
        }
    }
}
