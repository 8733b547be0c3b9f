// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lockword.seam.FaultSeam;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Who decides whether an unlock hands off, with the parking lot's eventual-fairness timer taken out
 * of the picture: the seam's {@link FaultSeam#fairUnpark} hook forces the timer's verdict, and the
 * seam's {@code beforeUnpark} reads the word when the woken thread is delivered (after the unlock's
 * callback wrote it under the bucket lock, before the woken thread may run). A handoff has written
 * the victim's share into the word; a plain wake-up has left it without that share.
 *
 * <ul>
 *   <li>Timer "not due": a default lock's plain {@code unlockWrite} / {@code unlockUpgradable} does
 *       not hand off; a fair lock's plain unlocks and {@code unlockWriteFair} /
 *       {@code unlockUpgradableFair} on a default lock do, on the builder's lock too.</li>
 *   <li>Timer "due": a default lock's plain unlocks hand off.</li>
 *   <li>The hook itself (in {@link ParkingLot}): consulted only when an unpark chose a waiter, with
 *       the timer's own verdict, and its answer is what the unpark callback gets as
 *       {@code beFair}.</li>
 * </ul>
 *
 * <p>Mutants it kills (each applied by hand, the test failing, then restored): in {@code RwLock},
 * {@code releaseWrite}'s {@code fair || config.fair} taken as {@code true} or as {@code fair}
 * ({@code config.fair} dropped), the same two in {@code releaseUpgradable}, and {@code Wake.onUnpark}'s
 * {@code fair || beFair} taken as {@code true} in its write-unlock and its upgradable-unlock branch
 * (before this hook, the timer was due at nearly every unlock of a test and hid all six); in
 * {@code ParkingLot}, the hook called without a chosen waiter or its answer ignored, in
 * {@code unparkOne} and {@code unparkFilter}; in {@code InstrumentedRwLock}, {@code releaseWrite}'s
 * and {@code releaseUpgradable}'s {@code fair ? STEP_UNLOCK_FAIR : STEP_UNLOCK} taken as
 * {@code STEP_UNLOCK}.
 */
class FairUnparkHookTest extends LockTestSupport {

    /** Forces the fairness timer's verdict and reads the word at the first delivery after {@link #reset}. */
    static final class ForcedTimer extends FaultSeam {
        final boolean due;
        final List<Boolean> timerVerdicts = new CopyOnWriteArrayList<>();
        final AtomicLong wordAtDelivery = new AtomicLong(-1);

        ForcedTimer(boolean due) {
            this.due = due;
        }

        @Override
        public boolean fairUnpark(Object lock, boolean timerDue) {
            timerVerdicts.add(timerDue);
            return due;
        }

        @Override
        public void beforeUnpark(Object lock, Thread waiter) {
            if (lock instanceof RwLock) {
                wordAtDelivery.compareAndSet(-1, ((RwLock) lock).stateWord());
            }
        }

        void reset() {
            wordAtDelivery.set(-1);
        }
    }

    // ------------------------------------------------------------------ timer not due: no handoff

    @Test
    void aDefaultLocksUnlockWriteDoesNotHandOffToAParkedWriterWhenTheTimerIsNotDue() throws InterruptedException {
        assertDelivered(false, false, Mode.WRITE, false, Mode.WRITE, 0L);
    }

    @Test
    void aDefaultLocksUnlockWriteDoesNotHandOffToAParkedReaderWhenTheTimerIsNotDue() throws InterruptedException {
        assertDelivered(false, false, Mode.WRITE, false, Mode.READ, 0L);
    }

    @Test
    void aDefaultLocksUnlockUpgradableDoesNotHandOffToAParkedWriterWhenTheTimerIsNotDue() throws InterruptedException {
        assertDelivered(false, false, Mode.UPGRADABLE, false, Mode.WRITE, 0L);
    }

    @Test
    void aDefaultLocksUnlockUpgradableDoesNotHandOffToAParkedUpgradableWhenTheTimerIsNotDue()
            throws InterruptedException {
        assertDelivered(false, false, Mode.UPGRADABLE, false, Mode.UPGRADABLE, 0L);
    }

    // ------------------------------------------------------------------ fair lock or fair unlock: handoff

    @Test
    void aFairLocksUnlockWriteHandsOffWhenTheTimerIsNotDue() throws InterruptedException {
        assertDelivered(true, false, Mode.WRITE, false, Mode.WRITE, W);
        assertDelivered(true, false, Mode.WRITE, false, Mode.READ, R);
    }

    @Test
    void aFairLocksUnlockUpgradableHandsOffWhenTheTimerIsNotDue() throws InterruptedException {
        assertDelivered(true, false, Mode.UPGRADABLE, false, Mode.WRITE, W);
        assertDelivered(true, false, Mode.UPGRADABLE, false, Mode.UPGRADABLE, R | U);
    }

    @Test
    void unlockWriteFairHandsOffOnADefaultLockWhenTheTimerIsNotDue() throws InterruptedException {
        assertDelivered(false, false, Mode.WRITE, true, Mode.WRITE, W);
        assertDelivered(false, false, Mode.WRITE, true, Mode.READ, R);
    }

    @Test
    void unlockUpgradableFairHandsOffOnADefaultLockWhenTheTimerIsNotDue() throws InterruptedException {
        assertDelivered(false, false, Mode.UPGRADABLE, true, Mode.WRITE, W);
    }

    @Test
    void theBuildersFairUnlocksHandOffAndItsPlainUnlocksDoNotWhenTheTimerIsNotDue() throws InterruptedException {
        // InstrumentedRwLock passes the fair flag of unlockWriteFair / unlockUpgradableFair on to
        // RwLock (built here directly, with the seam the builder cannot give it).
        assertDelivered(true, false, false, Mode.WRITE, true, Mode.WRITE, W);
        assertDelivered(true, false, false, Mode.WRITE, true, Mode.READ, R);
        assertDelivered(true, false, false, Mode.UPGRADABLE, true, Mode.WRITE, W);
        assertDelivered(true, false, false, Mode.WRITE, false, Mode.WRITE, 0L);
        assertDelivered(true, false, false, Mode.UPGRADABLE, false, Mode.WRITE, 0L);
    }

    // ------------------------------------------------------------------ timer due: handoff

    @Test
    void aDefaultLocksPlainUnlocksHandOffWhenTheTimerIsDue() throws InterruptedException {
        assertDelivered(false, true, Mode.WRITE, false, Mode.WRITE, W);
        assertDelivered(false, true, Mode.WRITE, false, Mode.READ, R);
        assertDelivered(false, true, Mode.UPGRADABLE, false, Mode.WRITE, W);
    }

    /**
     * {@code holder} is taken by the test thread, a {@code victim} parks behind it, the holder
     * releases (with the {@code *Fair} unlock if {@code fairUnlock}); the word at the victim's
     * delivery must be {@code expected}, and the victim must then get in.
     */
    private void assertDelivered(
            boolean fairLock, boolean timerDue, Mode holder, boolean fairUnlock, Mode victim, long expected)
            throws InterruptedException {
        assertDelivered(false, fairLock, timerDue, holder, fairUnlock, victim, expected);
    }

    /** The same, on the builder's lock ({@link InstrumentedRwLock}, holds tracked) if {@code built}. */
    private void assertDelivered(
            boolean built,
            boolean fairLock,
            boolean timerDue,
            Mode holder,
            boolean fairUnlock,
            Mode victim,
            long expected)
            throws InterruptedException {
        ForcedTimer seam = new ForcedTimer(timerDue);
        RwLock lock = built
                ? new InstrumentedRwLock(new Config(
                        "forced-timer-built",
                        fairLock,
                        false,
                        true,
                        false,
                        null,
                        seam,
                        Config.DEFAULT_LONG_HOLD.toNanos()))
                : FaultSeam.newLock("forced-timer", fairLock, seam);
        assertEquals(fairLock, lock.isFair());
        acquire(lock, holder);
        AtomicBoolean got = new AtomicBoolean();
        Thread t = newStartedThread("victim-" + victim, () -> {
            got.set(tryAcquire(lock, victim, LONG_DELAY_MS));
            if (got.get()) {
                release(lock, victim, false);
            }
        });
        waitForParked(lock, t);
        seam.reset();
        release(lock, holder, fairUnlock);
        long delivered = seam.wordAtDelivery.get();
        awaitTermination(t);
        assertEquals(
                LockState.hex(expected),
                LockState.hex(delivered),
                () -> String.format(
                        "%s%s lock, timer %s, %s%s unlock waking a %s: the word at delivery was %s, expected %s (%s)",
                        fairLock ? "fair" : "default",
                        built ? " built" : "",
                        timerDue ? "due" : "not due",
                        holder,
                        fairUnlock ? " fair" : "",
                        victim,
                        LockState.describe(delivered),
                        LockState.describe(expected),
                        expected == 0 ? "no handoff" : "a handoff"));
        assertFalse(seam.timerVerdicts.isEmpty(), "the fairness hook was not consulted");
        assertTrue(got.get(), "the victim timed out");
        assertWord(0, lock);
    }

    // ------------------------------------------------------------------ the hook in the parking lot

    @Test
    void theHookIsConsultedOnlyWhenAWaiterWasChosenAndItsAnswerIsTheCallbacksBeFair() throws InterruptedException {
        Object lock = new Object();
        int key = 5;
        for (boolean forced : new boolean[] {true, false}) {
            ForcedTimer seam = new ForcedTimer(forced);
            List<String> calls = new CopyOnWriteArrayList<>();

            // Nobody queued: neither unparkOne nor unparkFilter asks the hook.
            ParkingLot.unparkOne(lock, key, (n, more, fair) -> record(calls, n, fair), seam);
            ParkingLot.unparkFilter(
                    lock, key, token -> ParkingLot.UNPARK, (n, more, fair) -> record(calls, n, fair), seam);
            assertEquals(List.of("0,false", "0,false"), calls);
            assertTrue(seam.timerVerdicts.isEmpty(), () -> "asked without a waiter: " + seam.timerVerdicts);

            // A waiter that unparkFilter skips: still not asked.
            Thread first = parked(lock, key);
            ParkingLot.unparkFilter(
                    lock, key, token -> ParkingLot.SKIP, (n, more, fair) -> record(calls, n, fair), seam);
            assertTrue(seam.timerVerdicts.isEmpty(), () -> "asked when no waiter was chosen: " + seam.timerVerdicts);

            // A chosen waiter: asked once, and its answer is the callback's beFair.
            calls.clear();
            ParkingLot.unparkOne(lock, key, (n, more, fair) -> record(calls, n, fair), seam);
            awaitTermination(first);
            assertEquals(List.of("1," + forced), calls);
            assertEquals(1, seam.timerVerdicts.size());

            Thread second = parked(lock, key);
            calls.clear();
            ParkingLot.unparkFilter(
                    lock, key, token -> ParkingLot.UNPARK, (n, more, fair) -> record(calls, n, fair), seam);
            awaitTermination(second);
            assertEquals(List.of("1," + forced), calls);
            assertEquals(2, seam.timerVerdicts.size());
        }
    }

    @Test
    void theHookIsGivenTheTimersOwnVerdict() throws InterruptedException {
        Object lock = new Object();
        int key = 6;
        ForcedTimer seam = new ForcedTimer(false);
        Thread t = parked(lock, key);
        // Longer than the timer's longest period (1 ms): the bucket's next check is due.
        long until = System.nanoTime() + MILLISECONDS.toNanos(3);
        while (System.nanoTime() - until < 0) {
            Thread.sleep(1);
        }
        List<String> calls = new CopyOnWriteArrayList<>();
        ParkingLot.unparkOne(lock, key, (n, more, fair) -> record(calls, n, fair), seam);
        awaitTermination(t);
        assertEquals(List.of(true), seam.timerVerdicts, "the hook was not told that the timer was due");
        assertEquals(List.of("1,false"), calls, "the hook's answer (not fair) was not used");
    }

    private static long record(List<String> calls, int n, boolean fair) {
        calls.add(n + "," + fair);
        return ParkingLot.TOKEN_NORMAL;
    }

    /** A thread parked (untimed) on (lock, key) in the parking lot itself; it ends when unparked. */
    private Thread parked(Object lock, int key) {
        Thread t = newStartedThread(
                "parked",
                () -> ParkingLot.park(
                        lock,
                        key,
                        new ParkingLot.ParkCallbacks() {
                            @Override
                            public boolean validate() {
                                return true;
                            }
                        },
                        0L,
                        false,
                        0L,
                        false,
                        null));
        waitForBlockedOn(lock, t);
        return t;
    }
}
