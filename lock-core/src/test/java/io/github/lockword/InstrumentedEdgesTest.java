// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Behaviour of the builder's lock ({@link InstrumentedRwLock}) that only an exact look pins down;
 * each case was a surviving mutant of PIT's run over {@code InstrumentedRwLock} at {@code 293b542}
 * (lock-core/README.md, "Mutation testing"): every kind of read takes a slot on a read-biased lock
 * and brings the bias back from the word, a lock built without bias never turns it on, read-biased
 * locks spread over the slots, a write with the bias off does not revoke, a revocation wait is
 * reported and can be interrupted even with an endless timeout, checked mode's re-entries honour a
 * pending interrupt, checked mode's messages name the holder and the reads, and long holds are
 * reported across downgrades, upgrades and a non-owner's failed unlock.
 */
class InstrumentedEdgesTest extends LockTestSupport {

    /** Every way to take a read share, with its release. */
    enum ReadKind {
        LOCK_READ {
            @Override
            void read(RwLock lock) {
                lock.lockRead();
            }
        },
        LOCK_READ_INTERRUPTIBLY {
            @Override
            void read(RwLock lock) throws InterruptedException {
                lock.lockReadInterruptibly();
            }
        },
        TRY_LOCK_READ {
            @Override
            void read(RwLock lock) {
                assertTrue(lock.tryLockRead());
            }
        },
        TRY_LOCK_READ_TIMED {
            @Override
            void read(RwLock lock) throws InterruptedException {
                assertTrue(lock.tryLockRead(LONG_DELAY_MS, MILLISECONDS));
            }
        },
        LOCK_READ_RECURSIVE {
            @Override
            void read(RwLock lock) {
                lock.lockReadRecursive();
            }
        },
        TRY_LOCK_READ_RECURSIVE_TIMED {
            @Override
            void read(RwLock lock) throws InterruptedException {
                assertTrue(lock.tryLockReadRecursive(LONG_DELAY_MS, MILLISECONDS));
            }
        };

        abstract void read(RwLock lock) throws InterruptedException;
    }

    /** More reads on the word than sampling could need to turn the bias back on (ReadBiasTest). */
    private static final int ENOUGH_READS = 50 * InstrumentedRwLock.REBIAS_SAMPLE;

    private static InstrumentedRwLock build(RwLock.Builder builder) {
        return assertInstanceOf(InstrumentedRwLock.class, builder.build());
    }

    // ------------------------------------------------------------------------------ read bias

    @ParameterizedTest
    @EnumSource(ReadKind.class)
    void everyKindOfReadTakesASlotWhileTheLockIsBiased(ReadKind kind) throws InterruptedException {
        InstrumentedRwLock lock = build(RwLock.builder().readBiased(true));
        kind.read(lock);
        assertEquals(1L, lock.biasedReadShares(), () -> kind + " did not take a slot: " + lock);
        assertEquals(0L, lock.stateWord(), "a biased read leaves the word alone");
        lock.unlockRead();
        assertEquals(0L, lock.biasedReadShares());
    }

    @ParameterizedTest
    @EnumSource(ReadKind.class)
    void everyKindOfReadOnTheWordBringsTheBiasBack(ReadKind kind) throws InterruptedException {
        InstrumentedRwLock lock = build(RwLock.builder().readBiased(true));
        lock.inhibitBiasForTesting(0L); // off, and the inhibit time already over
        int reads = 0;
        while (!lock.biasNow() && reads < ENOUGH_READS) {
            kind.read(lock);
            assertEquals(R, lock.stateWord(), "a read before the bias is back goes to the word");
            lock.unlockRead();
            reads++;
        }
        assertTrue(lock.biasNow(), () -> kind + " on the word never turned the bias back on");
    }

    @ParameterizedTest
    @EnumSource(ReadKind.class)
    void aLockBuiltWithoutBiasNeverTurnsItOn(ReadKind kind) throws InterruptedException {
        // Checked mode sends every read through the same helpers as the read-biased lock's.
        InstrumentedRwLock lock = build(RwLock.builder().checked(true));
        for (int i = 0; i < ENOUGH_READS; i++) {
            kind.read(lock);
            assertEquals(R, lock.stateWord(), "a read of a lock built without bias goes to the word");
            lock.unlockRead();
        }
        assertFalse(lock.biasNow());
        assertEquals(0L, lock.biasedReadShares());
    }

    @Test
    void readBiasedLocksSpreadTheirSlots() {
        // One thread reading 16 read-biased locks: each lock has its own salt, so the slots differ
        // (about 0.1 collisions expected); with one salt for all, every lock but the first would
        // find the thread's slot taken and read on the word.
        List<InstrumentedRwLock> locks = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 16; i++) {
            InstrumentedRwLock lock = build(RwLock.builder().readBiased(true));
            lock.lockRead();
            locks.add(lock);
        }
        long onSlots =
                locks.stream().mapToLong(InstrumentedRwLock::biasedReadShares).sum();
        locks.forEach(RwLock::unlockRead);
        assertTrue(onSlots >= 12, () -> "only " + onSlots + " of 16 read-biased locks got a slot");
    }

    @Test
    void aWriteWhileTheBiasIsOffDoesNotRevokeAgain() {
        InstrumentedRwLock lock = build(RwLock.builder().readBiased(true));
        lock.lockWrite();
        lock.unlockWrite();
        assertEquals(1L, lock.revocations());
        assertFalse(lock.biasNow());
        long inhibitUntil = lock.inhibitUntilNanos();
        lock.lockWrite();
        lock.unlockWrite();
        assertEquals(1L, lock.revocations(), "a write with the bias already off revoked it again");
        assertEquals(inhibitUntil, lock.inhibitUntilNanos());
    }

    @Test
    void theListenerSeesTheRevocationWaitBeginAndEnd() throws InterruptedException {
        List<String> seen = new CopyOnWriteArrayList<>();
        LockListener listener = new LockListener() {
            @Override
            public void contended(RwLock lock, LockMode mode, long word) {
                seen.add("contended " + mode);
            }

            @Override
            public void acquiredAfterWait(RwLock lock, LockMode mode, long waitNanos) {
                seen.add("acquired " + mode);
            }
        };
        InstrumentedRwLock lock = build(RwLock.builder().readBiased(true).listener(listener));
        Holder reader = holdRead(lock);
        assertEquals(1L, lock.biasedReadShares(), "the reader did not take a slot");
        Thread writer = newStartedThread("writer", () -> {
            lock.lockWrite();
            lock.unlockWrite();
        });
        waitForParked(lock, writer);
        reader.release();
        awaitTermination(writer);
        assertEquals(List.of("contended WRITE", "acquired WRITE"), seen);
    }

    @Test
    void anEndlessTimedWriteIsInterruptedOutOfTheRevocationWait() throws InterruptedException {
        InstrumentedRwLock lock = build(RwLock.builder().readBiased(true));
        Holder reader = holdRead(lock);
        assertEquals(1L, lock.biasedReadShares(), "the reader did not take a slot");
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread writer = newStartedThread("writer", () -> {
            try {
                outcome.set(lock.tryLockWrite(Long.MAX_VALUE, NANOSECONDS));
            } catch (InterruptedException e) {
                outcome.set(e);
            }
        });
        waitForParked(lock, writer);
        writer.interrupt();
        awaitTermination(writer);
        assertInstanceOf(InterruptedException.class, outcome.get(), "the writer did not give up on the interrupt");
        assertEquals(0L, lock.stateWord(), "the interrupted writer gave WRITER back");
        assertEquals(1L, lock.biasedReadShares(), "the biased reader still holds");
        reader.release();
    }

    // ------------------------------------------------------------------------------ checked mode

    @Test
    void aCheckedReadReentryWithAPendingInterruptThrows() throws InterruptedException {
        InstrumentedRwLock lock = build(RwLock.builder().checked(true));
        lock.lockRead();
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, lock::lockReadInterruptibly);
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> lock.tryLockRead(LONG_DELAY_MS, MILLISECONDS));
        assertFalse(Thread.interrupted());
        assertEquals(1, lock.readHoldCount());
        assertWord(R, lock);
        lock.unlockRead();
        assertWord(0, lock);
    }

    @Test
    void checkedMisuseMessagesNameTheHolderAndTheReads() throws InterruptedException {
        InstrumentedRwLock lock = build(RwLock.builder().checked(true));

        Holder writer = holdWrite(lock);
        String notOwner = "(thread \"write-holder\" does)";
        assertMessageContains(notOwner, assertThrows(IllegalMonitorStateException.class, lock::unlockWrite));
        assertMessageContains(notOwner, assertThrows(IllegalMonitorStateException.class, lock::downgradeToUpgradable));
        assertWord(W, lock);
        writer.release();

        Holder upgradable = holdUpgradable(lock);
        assertMessageContains(
                "(thread \"upgradable-holder\" does)",
                assertThrows(IllegalMonitorStateException.class, lock::unlockUpgradable));
        assertWord(R | U, lock);
        upgradable.release();
        assertWord(0, lock);

        lock.lockRead();
        assertMessageContains(
                "holds 1 read lock of this lock", assertThrows(IllegalMonitorStateException.class, lock::lockWrite));
        Thread waitingWriter = newStartedThread("waiting-writer", () -> {
            lock.lockWrite();
            lock.unlockWrite();
        });
        waitForParked(lock, waitingWriter);
        assertMessageContains(
                "already holds 1 read lock and a writer is waiting",
                assertThrows(IllegalMonitorStateException.class, lock::lockRead));
        assertWord(R | W | WP, lock);
        lock.unlockRead();
        awaitTermination(waitingWriter);
        assertWord(0, lock);
    }

    private static void assertMessageContains(String expected, Throwable t) {
        assertTrue(t.getMessage().contains(expected), () -> "message without '" + expected + "': " + t.getMessage());
    }

    // ------------------------------------------------------------------------------ long holds

    /** Records the long holds reported, as "MODE by thread". */
    private static final class LongHolds implements LockListener {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void longHold(RwLock lock, LockMode mode, Thread holder, long heldNanos) {
            seen.add(mode + " by " + holder.getName());
        }
    }

    @Test
    void everyHoldIsReportedAcrossDowngradesAndUpgrades() {
        LongHolds holds = new LongHolds();
        RwLock lock = RwLock.builder()
                .listener(holds)
                .longHoldThreshold(Duration.ZERO)
                .build();
        String me = " by " + Thread.currentThread().getName();

        lock.lockWrite();
        lock.downgrade();
        assertEquals(List.of("WRITE" + me), holds.seen);
        lock.unlockRead();

        lock.lockWrite();
        lock.downgradeToUpgradable();
        lock.downgradeUpgradable();
        lock.unlockRead();
        assertEquals(List.of("WRITE" + me, "WRITE" + me, "UPGRADABLE" + me), holds.seen);

        holds.seen.clear();
        lock.lockUpgradable();
        assertTrue(lock.tryUpgrade());
        lock.unlockWrite();
        assertEquals(List.of("UPGRADABLE" + me, "WRITE" + me), holds.seen);
    }

    @Test
    void aNonOwnersFailedUnlockLeavesTheOwnersHoldOnRecord() throws InterruptedException {
        LongHolds holds = new LongHolds();
        RwLock lock = RwLock.builder()
                .listener(holds)
                .longHoldThreshold(Duration.ZERO)
                .build();
        Holder writer = holdWrite(lock);
        assertThrows(IllegalMonitorStateException.class, lock::unlockWrite);
        assertWord(W, lock);
        writer.release();
        assertEquals(List.of("WRITE by write-holder"), holds.seen);
    }

    @Test
    void anOwnersFailedUnlockPutsItsHoldBackOnRecord() {
        LongHolds holds = new LongHolds();
        InstrumentedRwLock lock = build(RwLock.builder().listener(holds).longHoldThreshold(Duration.ZERO));
        lock.lockWrite();
        lock.unlockWrite();
        InstrumentedRwLock.Hold earlier = lock.lastWriteHold();
        holds.seen.clear();
        lock.lockWrite();
        InstrumentedRwLock.Hold current = lock.writeHold();
        lock.setStateWordForTesting(W | R); // forged: a reader counted under the write lock
        assertThrows(IllegalMonitorStateException.class, lock::unlockWrite);
        assertEquals(W | R, lock.stateWord());
        // The failed unlock put both records back as they were.
        assertEquals(current, lock.writeHold());
        assertEquals(earlier, lock.lastWriteHold());
        assertTrue(holds.seen.isEmpty(), () -> "a hold was reported by a failed unlock: " + holds.seen);
        lock.setStateWordForTesting(W);
        lock.unlockWrite();
        assertEquals(List.of("WRITE by " + Thread.currentThread().getName()), holds.seen);
        assertEquals(current, lock.lastWriteHold());
    }

    @Test
    void anUpgradableHoldersFailedUnlockPutsItsHoldBackOnRecord() {
        LongHolds holds = new LongHolds();
        InstrumentedRwLock lock = build(RwLock.builder().listener(holds).longHoldThreshold(Duration.ZERO));
        lock.lockUpgradable();
        lock.unlockUpgradable();
        InstrumentedRwLock.Hold earlier = lock.lastUpgradableHold();
        holds.seen.clear();
        lock.lockUpgradable();
        InstrumentedRwLock.Hold current = lock.upgradableHold();
        lock.setStateWordForTesting(U); // forged: UPGRADABLE without its reader
        assertThrows(IllegalMonitorStateException.class, lock::unlockUpgradable);
        assertEquals(U, lock.stateWord());
        assertEquals(current, lock.upgradableHold());
        assertEquals(earlier, lock.lastUpgradableHold());
        assertTrue(holds.seen.isEmpty(), () -> "a hold was reported by a failed unlock: " + holds.seen);
        lock.setStateWordForTesting(R | U);
        lock.unlockUpgradable();
        assertEquals(List.of("UPGRADABLE by " + Thread.currentThread().getName()), holds.seen);
        assertEquals(current, lock.lastUpgradableHold());
    }

    @Test
    void theTestHookInhibitsTheBiasForTheTimeItIsGiven() {
        InstrumentedRwLock lock = build(RwLock.builder().readBiased(true));
        lock.inhibitBiasForTesting(Duration.ofHours(1).toNanos());
        assertFalse(lock.biasNow());
        assertTrue(lock.inhibitUntilNanos() - System.nanoTime()
                > Duration.ofMinutes(59).toNanos());
    }
}
