package io.github.lockword;

import java.util.List;

/**
 * Receives notices of an {@link RwLock}'s slow paths: contention, waits that ended, timeouts,
 * interrupts, corruption and long holds. Every method has a no-op default.
 *
 * <p>Calls are guarded: an exception thrown by a listener is caught and counted, never propagated
 * into the lock operation. Listeners run on the thread doing the lock operation, sometimes right
 * before it parks, so they should be quick and must not acquire the lock they observe.
 */
public interface LockListener {

    /** A thread is about to park waiting for {@code mode}; {@code word} is the word it saw. */
    default void contended(RwLock lock, LockMode mode, long word) {
    }

    /** A thread acquired {@code mode} after parking for {@code waitNanos}. */
    default void acquiredAfterWait(RwLock lock, LockMode mode, long waitNanos) {
    }

    /** A timed acquisition of {@code mode} gave up after {@code waitNanos}. */
    default void timedOut(RwLock lock, LockMode mode, long waitNanos) {
    }

    /** An interruptible acquisition of {@code mode} was interrupted after {@code waitNanos}. */
    default void interrupted(RwLock lock, LockMode mode, long waitNanos) {
    }

    /** The lock word was found corrupt; called once per lock. */
    default void corrupted(RwLock lock, long word, List<String> violations) {
    }

    /** {@code holder} held {@code mode} (WRITE or UPGRADABLE) for {@code heldNanos}, over the threshold. */
    default void longHold(RwLock lock, LockMode mode, Thread holder, long heldNanos) {
    }
}
