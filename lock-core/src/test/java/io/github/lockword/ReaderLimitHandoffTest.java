// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lockword.seam.FaultSeam;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 2^60-1 reader limit on the upgradable unlock's handoff, on planted words (no test can start
 * 2^60 threads): readers parked behind a forged WRITER, then the word replaced by an upgradable
 * holder with the reader count at the limit, then {@code unlockUpgradableFair}. The seam's
 * {@code beforeUnpark} reads the word when the first woken reader is delivered.
 *
 * <ul>
 *   <li>Handing the woken readers their shares would reach exactly 2^60-1 readers: the unlock hands
 *       off (the word at delivery already holds the woken reader's share).</li>
 *   <li>It would exceed the limit: no handoff (the word at delivery holds the count minus the
 *       unlocker's share, not a wrapped count); the woken readers retry, one gets in, the other
 *       gets the reader-count overflow ({@link IllegalStateException}), and its wait is reported as
 *       ended ("failed" in the JFR {@code LockWait} event, the only sink that sees that outcome).</li>
 * </ul>
 *
 * <p>Mutants it kills (each applied by hand, the test failing, then restored): in
 * {@code Wake.releaseUpgradableUnderBucket}, {@code readers(next) + readers(state) <= MAX_READERS}
 * with {@code <} (no handoff at the limit) and with {@code -} for {@code +} (a handoff that wraps the
 * count); {@code RwLock.readers} returning 0 (the same wrapping handoff); in {@code acquireMain}, the
 * {@code endWait(FAILED)} of the overflow path removed (no LockWait event for the overflowed
 * reader).
 */
class ReaderLimitHandoffTest extends LockTestSupport {

    private static final String WAIT = "io.github.lockword.LockWait";

    /** The word of 2^60-1 readers and no signal bit. */
    private static final long LIMIT = LockState.READERS_MASK;

    @TempDir
    Path tmp;

    /** Records the word at the first delivery after it is armed (set to -1; the word itself is never -1 here). */
    private static final class WordAtDelivery extends FaultSeam {
        final AtomicLong word = new AtomicLong();

        @Override
        public void beforeUnpark(Object lock, Thread waiter) {
            word.compareAndSet(-1, ((RwLock) lock).stateWord());
        }
    }

    /** Starts {@code n} readers that park behind a forged WRITER; each records "in" or "overflow". */
    private List<Thread> parkReaders(RwLock lock, int n, List<String> outcomes) {
        lock.setStateWordForTesting(W);
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Thread t = newStartedThread("reader-" + i, () -> {
                try {
                    lock.lockRead();
                    outcomes.add("in");
                } catch (IllegalStateException overflow) {
                    assertTrue(overflow.getMessage().contains("overflow"), overflow.getMessage());
                    outcomes.add("overflow");
                }
            });
            waitForParked(lock, t);
            readers.add(t);
        }
        return readers;
    }

    @Test
    void anUpgradableUnlockHandsOffWhenTheWokenReaderReachesExactlyTheLimit() throws InterruptedException {
        WordAtDelivery seam = new WordAtDelivery();
        RwLock lock = FaultSeam.newLock("reader-limit-exact", false, seam);
        List<String> outcomes = new CopyOnWriteArrayList<>();
        List<Thread> readers = parkReaders(lock, 1, outcomes);
        // An upgradable holder among 2^60-1 readers; the reader parked (PARKED).
        lock.setStateWordForTesting(LIMIT | U | P);
        seam.word.set(-1);
        lock.unlockUpgradableFair();
        for (Thread t : readers) {
            awaitTermination(t);
        }
        assertEquals(
                LockState.hex(LIMIT),
                LockState.hex(seam.word.get()),
                "2^60-2 readers plus the woken one is the limit, not over it: the unlock must hand off");
        assertEquals(List.of("in"), outcomes);
        assertWord(LIMIT, lock);
        lock.setStateWordForTesting(0);
    }

    @Test
    void anUpgradableUnlockThatWouldPassTheLimitDoesNotHandOffAndTheOverflowEndsTheWait() throws Throwable {
        WordAtDelivery seam = new WordAtDelivery();
        RwLock lock = FaultSeam.newLock("reader-limit-over", false, seam);
        List<String> outcomes = new CopyOnWriteArrayList<>();
        Path file = tmp.resolve("reader-limit.jfr");
        try (Recording r = new Recording()) {
            r.enable(WAIT).withThreshold(Duration.ZERO);
            r.start();
            List<Thread> readers = parkReaders(lock, 2, outcomes);
            lock.setStateWordForTesting(LIMIT | U | P);
            seam.word.set(-1);
            lock.unlockUpgradableFair();
            for (Thread t : readers) {
                awaitTermination(t);
            }
            r.stop();
            r.dump(file);
        }
        assertEquals(
                LockState.hex(LIMIT - R),
                LockState.hex(seam.word.get()),
                "2^60-2 readers plus two woken ones is over the limit: the unlock must not hand off");
        List<String> sorted = new ArrayList<>(outcomes);
        sorted.sort(null);
        assertEquals(List.of("in", "overflow"), sorted, "one woken reader gets in, the other overflows");
        assertWord(LIMIT, lock);
        lock.setStateWordForTesting(0);

        List<String> waits = new ArrayList<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (e.getEventType().getName().equals(WAIT)
                    && String.valueOf(e.getString("lock")).contains("(reader-limit-over)")) {
                waits.add(e.getString("mode") + " " + e.getString("outcome"));
            }
        }
        waits.sort(null);
        assertEquals(List.of("READ acquired", "READ failed"), waits, "the overflowed reader's wait was not ended");
    }
}
