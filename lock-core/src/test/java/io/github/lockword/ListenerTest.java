// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static io.github.lockword.DiagTestSupport.await;
import static io.github.lockword.DiagTestSupport.awaitParkedOn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Listener calls arrive where documented, and a listener that throws or dawdles never hurts the lock. */
class ListenerTest {

    private static final long R = LockState.ONE_READER;
    private static final long CORRUPT = 0xFFFFFFFFFFFFFFFEL;

    /** Records every call, then throws (alternating an exception and an error). */
    static final class ThrowingListener implements LockListener {
        final Queue<String> calls = new ConcurrentLinkedQueue<>();
        private int n;

        private void boom(String call) {
            calls.add(call);
            if ((n++ & 1) == 0) {
                throw new IllegalStateException("listener bug: " + call);
            }
            throw new AssertionError("listener error: " + call);
        }

        @Override
        public void contended(RwLock lock, LockMode mode, long word) {
            boom("contended " + mode);
        }

        @Override
        public void acquiredAfterWait(RwLock lock, LockMode mode, long waitNanos) {
            boom("acquiredAfterWait " + mode);
        }

        @Override
        public void timedOut(RwLock lock, LockMode mode, long waitNanos) {
            boom("timedOut " + mode);
        }

        @Override
        public void interrupted(RwLock lock, LockMode mode, long waitNanos) {
            boom("interrupted " + mode);
        }

        @Override
        public void corrupted(RwLock lock, long word, List<String> violations) {
            boom("corrupted " + LockState.hex(word) + " " + violations.size());
        }

        @Override
        public void longHold(RwLock lock, LockMode mode, Thread holder, long heldNanos) {
            boom("longHold " + mode);
        }
    }

    @Test
    void throwingListenerNeverBreaksContendedAcquisition() throws Exception {
        ThrowingListener l = new ThrowingListener();
        RwLock lock = RwLock.builder().name("throwing").listener(l).build();
        long failuresBefore = LockDiagnostics.listenerFailures();
        lock.lockWrite();
        try (DiagTestSupport.Helpers h = new DiagTestSupport.Helpers()) {
            Thread reader = h.start("reader", () -> {
                lock.lockRead();
                lock.unlockRead();
            });
            Thread writer = h.start("writer", () -> {
                lock.lockWrite();
                lock.unlockWrite();
            });
            awaitParkedOn(lock, reader);
            awaitParkedOn(lock, writer);
            lock.unlockWrite();
        }
        assertEquals(0L, lock.stateWord());
        assertTrue(l.calls.contains("contended READ"), l.calls.toString());
        assertTrue(l.calls.contains("acquiredAfterWait READ"), l.calls.toString());
        assertTrue(l.calls.contains("contended WRITE"), l.calls.toString());
        assertTrue(l.calls.contains("acquiredAfterWait WRITE"), l.calls.toString());
        assertTrue(LockDiagnostics.listenerFailures() - failuresBefore >= 4);
    }

    @Test
    void throwingListenerOnTimeoutAndInterruptLeavesTheWordAsBefore() throws Exception {
        ThrowingListener l = new ThrowingListener();
        RwLock lock = RwLock.builder().name("timeouts").listener(l).build();
        lock.lockRead();
        try (DiagTestSupport.Helpers h = new DiagTestSupport.Helpers()) {
            h.start("timed-writer", () -> assertFalse(lock.tryLockWrite(30, TimeUnit.MILLISECONDS)));
        }
        assertEquals(R, lock.stateWord());
        assertTrue(l.calls.contains("timedOut WRITE"), l.calls.toString());
        lock.unlockRead();

        lock.lockWrite();
        try (DiagTestSupport.Helpers h = new DiagTestSupport.Helpers()) {
            Thread t = h.start(
                    "interrupted-reader", () -> assertThrows(InterruptedException.class, lock::lockReadInterruptibly));
            awaitParkedOn(lock, t);
            t.interrupt();
        }
        assertTrue(l.calls.contains("interrupted READ"), l.calls.toString());
        lock.unlockWrite();
        assertEquals(0L, lock.stateWord());
    }

    @Test
    void throwingLongHoldListenerStillReleases() throws Exception {
        ThrowingListener l = new ThrowingListener();
        RwLock lock = RwLock.builder()
                .name("long-hold")
                .listener(l)
                .longHoldThreshold(Duration.ZERO)
                .build();
        lock.lockWrite();
        lock.unlockWrite();
        lock.lockUpgradable();
        lock.unlockUpgradable();
        assertEquals(0L, lock.stateWord());
        assertEquals(List.of("longHold WRITE", "longHold UPGRADABLE"), List.copyOf(l.calls));
        // And the lock is free for others.
        try (DiagTestSupport.Helpers h = new DiagTestSupport.Helpers()) {
            h.start("next", () -> {
                assertTrue(lock.tryLockWrite());
                lock.unlockWrite();
            });
        }
    }

    @Test
    void corruptionIsReportedOnceAndThrowingListenerDoesNotMaskTheException() throws Exception {
        ThrowingListener l = new ThrowingListener();
        RwLock lock = RwLock.builder().name("corrupt").listener(l).build();
        lock.setStateWordForTesting(CORRUPT);
        LockCorruptedException e = assertThrows(LockCorruptedException.class, lock::lockWrite);
        assertEquals(CORRUPT, e.word());
        assertEquals("corrupt", e.lockName());
        assertTrue(e.getMessage().contains("0xFFFFFFFFFFFFFFFE"), e.getMessage());
        assertThrows(LockCorruptedException.class, lock::lockRead);
        assertEquals(List.of("corrupted 0xFFFFFFFFFFFFFFFE 1"), List.copyOf(l.calls));
        lock.setStateWordForTesting(0L);
    }

    @Test
    void slowListenerIsCountedAndTheOperationCompletes() throws Exception {
        LockListener slow = new LockListener() {
            @Override
            public void contended(RwLock lock, LockMode mode, long word) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        RwLock lock = RwLock.builder().name("slow").listener(slow).build();
        long slowBefore = LockDiagnostics.slowListenerCalls();
        lock.lockWrite();
        try (DiagTestSupport.Helpers h = new DiagTestSupport.Helpers()) {
            Thread t = h.start("slow-waiter", () -> {
                lock.lockRead();
                lock.unlockRead();
            });
            await("the slow listener ran", () -> LockDiagnostics.slowListenerCalls() > slowBefore);
            lock.unlockWrite();
            t.join(DiagTestSupport.LONG_MS);
        }
        assertEquals(0L, lock.stateWord());
    }

    @Test
    void listenerRunsWithoutTheBucketLock() throws Exception {
        // A listener that inspects the lock's queues (which takes the bucket locks) must not deadlock.
        CountDownLatch inspected = new CountDownLatch(1);
        LockListener inspecting = new LockListener() {
            @Override
            public void contended(RwLock lock, LockMode mode, long word) {
                lock.getQueueLength();
                LockReport.of(lock).toString();
                inspected.countDown();
            }
        };
        RwLock lock = RwLock.builder().name("inspect").listener(inspecting).build();
        lock.lockWrite();
        try (DiagTestSupport.Helpers h = new DiagTestSupport.Helpers()) {
            Thread t = h.start("inspector", () -> {
                lock.lockRead();
                lock.unlockRead();
            });
            assertTrue(inspected.await(DiagTestSupport.LONG_MS, TimeUnit.MILLISECONDS));
            awaitParkedOn(lock, t);
            lock.unlockWrite();
        }
        assertEquals(0L, lock.stateWord());
    }
}
