// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.seam;

/**
 * Named points in the lock's slow paths where a {@link FaultSeam} may hold the calling thread.
 * Internal: exported only to {@code io.github.lockword.faults}.
 */
public enum SeamPoint {
    /**
     * H1: in "wait for readers", after the park on the WRITER queue returned TIMED_OUT (or
     * INTERRUPTED) and before the word is restored. The thread is a timed writer or upgrader.
     */
    WRITER_TIMED_OUT_BEFORE_RESTORE,

    /**
     * H2: in {@code unlockRead}, after the last reader's atomic decrement saw WRITER_PARKED and before
     * it wakes the parked writer.
     */
    LAST_READER_BEFORE_UNPARK,

    /**
     * In "wait for readers", after this writer (or upgrader) set WRITER_PARKED (or found it set) and
     * before its park on the WRITER queue validates: readers that leave now make the park INVALID.
     */
    WRITER_BEFORE_PARK,

    /** A thread has been enqueued in the parking lot and is about to sleep (a notification). */
    PARKED
}
