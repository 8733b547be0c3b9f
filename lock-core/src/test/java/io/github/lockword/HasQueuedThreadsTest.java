// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link RwLock#hasQueuedThreads()} is true only when both the word and the parking lot say so: a
 * park bit (PARKED or WRITER_PARKED) is set <em>and</em> a thread is queued. The word is read first,
 * so an uncontended lock answers without taking a parking-lot bucket lock; its park bits alone are
 * not enough (they outlive the last waiter until an unlock or the waiter's time-out clears them),
 * and a queued thread that the word does not announce is one no unlock would wake: a state only a
 * forged word can produce, answered from the word. Pinned on forged words:
 *
 * <ul>
 *   <li>PARKED or WRITER_PARKED set, nobody queued: false;</li>
 *   <li>a reader queued behind the write lock, PARKED forged away: false; PARKED back: true.</li>
 * </ul>
 *
 * <p>Mutants it kills (each applied by hand, the test failing, then restored):
 * {@code getQueueLength() > 0} as {@code >= 0} (park bits with an empty queue answer true), and
 * {@code word & (P | WP)} as {@code word | (P | WP)} (the word ignored: the unannounced waiter
 * counts).
 */
class HasQueuedThreadsTest extends LockTestSupport {

    @Test
    void parkBitsWithNobodyQueuedAreNotQueuedThreads() {
        RwLock lock = new RwLock();
        assertFalse(lock.hasQueuedThreads());
        for (long word : new long[] {P, W | P, R | W | WP, R | W | WP | P}) {
            lock.setStateWordForTesting(word);
            assertEquals(0, lock.getQueueLength());
            assertFalse(lock.hasQueuedThreads(), () -> "no thread is queued, the word is " + LockState.explain(word));
        }
    }

    @Test
    void aQueuedReaderCountsOnlyWhileTheWordAnnouncesIt() throws InterruptedException {
        RwLock lock = new RwLock();
        lock.lockWrite();
        Thread reader = newStartedThread("reader", () -> {
            lock.lockRead();
            lock.unlockRead();
        });
        waitForParked(lock, reader);
        assertWord(W | P, lock);
        assertTrue(lock.hasQueuedThreads());

        lock.setStateWordForTesting(W); // PARKED forged away; the reader is still queued
        assertEquals(1, lock.getQueueLength());
        assertFalse(lock.hasQueuedThreads(), "a waiter the word does not announce was counted");

        lock.setStateWordForTesting(W | P);
        assertTrue(lock.hasQueuedThreads());
        lock.unlockWrite();
        awaitTermination(reader);
        assertWord(0, lock);
        assertFalse(lock.hasQueuedThreads());
    }
}
