// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import java.util.List;

/**
 * Receives notices of an {@link RwLock}'s slow paths: contention, waits that ended, timeouts,
 * interrupts, corruption and long holds. Every method has a no-op default. Install one with
 * {@link RwLock.Builder#listener}.
 *
 * <p><b>Guarded calls.</b> An exception (or error) thrown by a listener is caught and counted
 * ({@link LockDiagnostics#listenerFailures()}), never propagated into the lock operation, which goes
 * on as if the listener had returned. Calls slower than 1 ms are counted too
 * ({@link LockDiagnostics#slowListenerCalls()}).
 *
 * <p><b>Where listeners run.</b> On the thread doing the lock operation, outside every parking-lot
 * bucket lock, and only on slow paths (a fast path never calls a listener). A slow listener therefore
 * delays only its own thread: {@link #contended} runs before the thread parks (others meanwhile
 * make progress and may even hand it the lock), {@link #timedOut}, {@link #interrupted},
 * {@link #corrupted} and {@link #longHold} run after the thread gave back or released what it had.
 * The exception is {@link #acquiredAfterWait}, which runs once the thread holds what it waited for:
 * a slow one lengthens that hold. Listeners must not acquire or release the lock they observe, and
 * must not park the calling thread through {@code LockSupport}.
 */
public interface LockListener {

    /** A thread is about to park waiting for {@code mode}; {@code word} is the word it saw. */
    default void contended(RwLock lock, LockMode mode, long word) {}

    /**
     * A thread acquired {@code mode} after parking for {@code waitNanos}. Runs while the thread holds
     * {@code mode}: keep it short.
     */
    default void acquiredAfterWait(RwLock lock, LockMode mode, long waitNanos) {}

    /** A timed acquisition of {@code mode} gave up after {@code waitNanos}. */
    default void timedOut(RwLock lock, LockMode mode, long waitNanos) {}

    /** An interruptible acquisition of {@code mode} was interrupted after {@code waitNanos}. */
    default void interrupted(RwLock lock, LockMode mode, long waitNanos) {}

    /** The lock word was found corrupt; called once per lock, by the thread that found it. */
    default void corrupted(RwLock lock, long word, List<String> violations) {}

    /**
     * {@code holder} held {@code mode} (WRITE or UPGRADABLE) for {@code heldNanos}, at least the lock's
     * {@linkplain RwLock.Builder#longHoldThreshold long-hold threshold}. Called by the holder right
     * after it released (or converted) the hold; only locks built with hold tracking or checked mode
     * report long holds.
     */
    default void longHold(RwLock lock, LockMode mode, Thread holder, long heldNanos) {}
}
