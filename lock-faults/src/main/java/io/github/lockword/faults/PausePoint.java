// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.faults;

/**
 * Points in the lock's slow paths where a {@link Schedule} can hold a thread, or note that it got
 * there. Only locks made by {@link FaultyLocks} with a schedule have them; a lock made with
 * {@code new RwLock()} has no pause point at all.
 */
public enum PausePoint {

    /**
     * H1: a timed writer (or upgrader) whose park on the WRITER queue timed out (or was
     * interrupted), after it left the queue and before it gives back what it took. Schedule A holds
     * the writer here while the last reader leaves.
     */
    WRITER_TIMED_OUT_BEFORE_RESTORE,

    /**
     * H2: {@code unlockRead} of the last reader, after its atomic decrement saw WRITER_PARKED and
     * before it wakes the parked writer (and clears WRITER_PARKED). Schedule B holds the reader here
     * while the writer times out and gives back first.
     */
    LAST_READER_BEFORE_UNPARK,

    /**
     * A writer (or upgrader) waiting for readers has set WRITER_PARKED and is about to park on the
     * WRITER queue; its park has not validated yet, so readers that leave now make it return at once.
     */
    WRITER_BEFORE_PARK,

    /**
     * A thread was enqueued in the parking lot (the lock's MAIN or WRITER queue) and is about to
     * sleep: the bits it announced are in the word. Usually watched rather than held.
     */
    PARKED
}
