// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.github.lockword.RwLock;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The read-biased lock ({@code RwLock.builder().readBiased(true)}) only: a reader on its slot
 * against each way of obtaining exclusive ownership. The reader reads {@code x}, spins for
 * {@value #READER_SPINS} {@code onSpinWait}s, then reads {@code y}; the exclusive side stores
 * {@code x = 1, y = 1}. A torn pair means the exclusive side did not wait for the biased reader.
 *
 * <p>Why the spin: a revocation scans all 1,024 slots before it writes, which takes longer than a
 * reader's two loads, so without it a writer that skipped the wait for biased readers would
 * still almost never overlap a reader ({@code ExclusionTests} pinned to the read-biased lock did
 * not catch that break). Every state makes a new lock, which starts read-biased, so the reader's
 * share is on a slot unless its slot is taken.
 */
public final class ReadBiasTests {

    /** The reader's pause between its two loads. */
    static final int READER_SPINS = 500;

    private ReadBiasTests() {}

    static RwLock biased() {
        return RwLock.builder().readBiased(true).trackHolds(false).build();
    }

    static void pause() {
        for (int i = 0; i < READER_SPINS; i++) {
            Thread.onSpinWait();
        }
    }

    /** {@code lockWrite} against a slow biased reader. */
    @JCStressTest
    @State
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "The reader ran before the writer.")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The reader ran after the writer.")
    @Outcome(
            id = {"0, 1", "1, 0"},
            expect = FORBIDDEN,
            desc = "Torn read: the writer did not wait for the biased reader.")
    @Outcome(expect = FORBIDDEN, desc = "Impossible values.")
    public static class WriterVsSlowReader {
        private final RwLock lock = biased();
        private int x;
        private int y;

        @Actor
        public void writer() {
            lock.lockWrite();
            x = 1;
            y = 1;
            lock.unlockWrite();
        }

        @Actor
        public void reader(II_Result r) {
            lock.lockRead();
            r.r1 = x;
            pause();
            r.r2 = y;
            lock.unlockRead();
        }
    }

    /** {@code upgrade} against a slow biased reader (upgradable acquisition itself does not revoke). */
    @JCStressTest
    @State
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "The reader ran before the upgraded writer.")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The reader ran after the upgraded writer.")
    @Outcome(
            id = {"0, 1", "1, 0"},
            expect = FORBIDDEN,
            desc = "Torn read: the upgrade did not wait for the biased reader.")
    @Outcome(expect = FORBIDDEN, desc = "Impossible values.")
    public static class UpgradeVsSlowReader {
        private final RwLock lock = biased();
        private int x;
        private int y;

        @Actor
        public void upgrader() {
            lock.lockUpgradable();
            lock.upgrade();
            x = 1;
            y = 1;
            lock.unlockWrite();
        }

        @Actor
        public void reader(II_Result r) {
            lock.lockRead();
            r.r1 = x;
            pause();
            r.r2 = y;
            lock.unlockRead();
        }
    }

    /** {@code tryLockWrite()} against a slow biased reader: it may fail, but never overlap. */
    @JCStressTest
    @State
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "The reader saw no write (before it, or the try failed).")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The reader ran after the writer.")
    @Outcome(
            id = {"0, 1", "1, 0"},
            expect = FORBIDDEN,
            desc = "Torn read: tryLockWrite() succeeded while a biased reader was inside.")
    @Outcome(expect = FORBIDDEN, desc = "Impossible values.")
    public static class TryWriteVsSlowReader {
        private final RwLock lock = biased();
        private int x;
        private int y;

        @Actor
        public void writer() {
            if (lock.tryLockWrite()) {
                x = 1;
                y = 1;
                lock.unlockWrite();
            }
        }

        @Actor
        public void reader(II_Result r) {
            lock.lockRead();
            r.r1 = x;
            pause();
            r.r2 = y;
            lock.unlockRead();
        }
    }
}
