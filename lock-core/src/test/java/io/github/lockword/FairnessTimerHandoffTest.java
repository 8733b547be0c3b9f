// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lockword.seam.FaultSeam;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Eventual fairness of a default (non-fair) lock: once the parking-lot bucket's fairness timer has
 * expired (it fires at most 1 ms after the last fair unpark), the next plain {@code unlockWrite} or
 * {@code unlockUpgradable} that wakes a waiter hands the lock to it, exactly as a fair lock would.
 *
 * <p>The unlocker is held by the fault seam after it chose the waiter and before it wakes it, so the
 * word is read at the one moment that tells a handoff (the woken writer's WRITER already in the word)
 * from a plain release (word 0, the woken writer would have to race for it).
 */
class FairnessTimerHandoffTest extends LockTestSupport {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"unlockWrite", "unlockUpgradable"})
    void anUnlockAfterTheFairnessTimerExpiredHandsTheLockToTheWokenWriter(String how) throws InterruptedException {
        SpinGate delivering = new SpinGate();
        FaultSeam seam = new FaultSeam() {
            @Override
            public void beforeUnpark(Object lock, Thread waiter) {
                if (!delivering.reached()) {
                    delivering.pass();
                }
            }
        };
        RwLock lock = FaultSeam.newLock("eventually-fair", false, seam);
        assertFalse(lock.isFair());
        boolean upgradable = how.equals("unlockUpgradable");
        Holder holder = new Holder(
                "unlocker",
                upgradable ? lock::lockUpgradable : lock::lockWrite,
                upgradable ? lock::unlockUpgradable : lock::unlockWrite);
        AtomicBoolean acquired = new AtomicBoolean();
        Thread waiter = newStartedThread("parked-writer", () -> {
            lock.lockWrite();
            acquired.set(true);
            lock.unlockWrite();
        });
        waitForParked(lock, waiter);
        assertWord((upgradable ? R | U : W) | P, lock);
        // More than the timer's longest period (1 ms) with no unpark on this lock's bucket.
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3);
        while (System.nanoTime() - until < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        Thread unlocking = newStartedThread("release", holder::release);
        delivering.awaitReached("the unlocker to reach delivery");
        try {
            assertWord(W, lock);
            assertFalse(acquired.get());
        } finally {
            delivering.open();
        }
        awaitTermination(unlocking);
        awaitTermination(waiter);
        assertTrue(acquired.get(), how);
        assertWord(0, lock);
    }
}
