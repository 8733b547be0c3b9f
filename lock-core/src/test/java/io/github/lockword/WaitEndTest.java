// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two ends of a wait that the other tests reach only when the fairness timer or a race allows:
 *
 * <ul>
 *   <li>A waiter woken <em>without</em> a handoff (the seam's {@code fairUnpark} forces the timer
 *       "not due", so a default lock's unlock wakes and does not hand off) retries, takes its share
 *       itself, and its wait is reported once as acquired to the listener.</li>
 *   <li>A waiter whose word turned corrupt just before it parked (planted from the listener's
 *       {@code contended} call) fails with {@link LockCorruptedException}, and its wait is reported
 *       as ended: "failed" in the JFR {@code LockWait} event (the listener has no callback for that
 *       outcome).</li>
 * </ul>
 *
 * <p>Mutants it kills (each applied by hand, the test failing, then restored): in
 * {@code acquireMain}, the {@code endWait(ACQUIRED)} after a share taken by the waiter's own CAS
 * removed (no {@code acquiredAfterWait}); in {@code onCorruptWord}, the {@code endWait(FAILED)}
 * removed (no LockWait event).
 */
class WaitEndTest extends LockTestSupport {

    private static final String WAIT = "io.github.lockword.LockWait";

    @TempDir
    Path tmp;

    private static RwLock observed(String name, LockListener listener, FairUnparkHookTest.ForcedTimer seam) {
        return new RwLock(new Config(name, false, false, false, listener, seam, Config.DEFAULT_LONG_HOLD.toNanos()));
    }

    @Test
    void aReaderWokenWithoutAHandoffReportsItsWaitAsAcquired() throws InterruptedException {
        assertWakeWithoutHandoff(false);
    }

    @Test
    void anUpgradableReaderWokenWithoutAHandoffReportsItsWaitAsAcquired() throws InterruptedException {
        assertWakeWithoutHandoff(true);
    }

    private void assertWakeWithoutHandoff(boolean upgradable) throws InterruptedException {
        WaitReportTest.Recorder r = new WaitReportTest.Recorder();
        FairUnparkHookTest.ForcedTimer notDue = new FairUnparkHookTest.ForcedTimer(false);
        RwLock lock = observed("woken-" + (upgradable ? "upgradable" : "reader"), r, notDue);
        lock.lockWrite();
        Thread t = newStartedThread("waiter", () -> {
            if (upgradable) {
                lock.lockUpgradable();
                lock.unlockUpgradable();
            } else {
                lock.lockRead();
                lock.unlockRead();
            }
        });
        waitForParked(lock, t);
        notDue.reset();
        lock.unlockWrite();
        awaitTermination(t);
        assertEquals(0L, notDue.wordAtDelivery.get(), "the unlock handed off: not the path under test");
        String mode = upgradable ? "UPGRADABLE" : "READ";
        assertEquals(List.of("contended " + mode, "acquiredAfterWait " + mode), r.calls);
        assertWord(0, lock);
    }

    @Test
    void aWaitThatEndsOnACorruptWordIsReportedAsFailed() throws Throwable {
        AtomicReference<RwLock> ref = new AtomicReference<>();
        AtomicReference<Thread> victim = new AtomicReference<>();
        long corrupt = W | U | P; // UPGRADABLE with WRITER
        LockListener plant = whenContended(victim, () -> ref.get().setStateWordForTesting(corrupt));
        RwLock lock = observed("wait-ends-corrupt", plant, null);
        ref.set(lock);
        Path file = tmp.resolve("corrupt.jfr");
        try (Recording rec = new Recording()) {
            rec.enable(WAIT).withThreshold(Duration.ZERO);
            rec.start();
            Holder writer = holdWrite(lock);
            Thread reader = newStartedThread("reader", () -> {
                victim.set(Thread.currentThread());
                LockCorruptedException e = assertThrows(LockCorruptedException.class, lock::lockRead);
                assertEquals(corrupt, e.word());
            });
            awaitTermination(reader);
            lock.setStateWordForTesting(W);
            writer.release();
            rec.stop();
            rec.dump(file);
        }
        assertWord(0, lock);
        List<String> waits = new ArrayList<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (e.getEventType().getName().equals(WAIT)
                    && String.valueOf(e.getString("lock")).contains("(wait-ends-corrupt)")) {
                waits.add(e.getString("mode") + " " + e.getString("outcome"));
            }
        }
        assertEquals(List.of("READ failed"), waits, "the wait that met the corrupt word was not ended");
    }
}
