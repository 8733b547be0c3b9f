// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lockword.examples.MicrometerLockListener;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The README's Micrometer example works: waits, timeouts, holds and corruption reach the registry. */
class MicrometerExampleTest {

    @Test
    void waitsTimeoutsHoldsAndCorruptionAreMeasured() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RwLock lock = RwLock.builder()
                .name("orders")
                .listener(new MicrometerLockListener(registry))
                .longHoldThreshold(Duration.ZERO)
                .build();

        // A contended read: the reader parks behind the writer, then gets in.
        lock.lockWrite();
        CountDownLatch started = new CountDownLatch(1);
        Thread reader = new Thread(
                () -> {
                    started.countDown();
                    lock.lockRead();
                    lock.unlockRead();
                },
                "metrics-reader");
        reader.start();
        started.await();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (lock.getQueueLength() == 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(1);
        }
        Thread.sleep(20);
        lock.unlockWrite(); // a write hold: reported to the hold timer (threshold 0)
        reader.join(10_000);
        assertFalse(reader.isAlive());

        // A timeout: a writer cannot get past a reader held by another thread.
        lock.lockRead();
        AtomicReference<Boolean> got = new AtomicReference<>();
        Thread writer = new Thread(
                () -> {
                    try {
                        got.set(lock.tryLockWrite(Duration.ofMillis(30)));
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                },
                "metrics-writer");
        writer.start();
        writer.join(10_000);
        lock.unlockRead();
        assertEquals(Boolean.FALSE, got.get());

        Timer acquired = registry.find("lockword.wait")
                .tags("lock", "orders", "mode", "READ", "outcome", "acquired")
                .timer();
        assertNotNull(acquired, registry.getMetersAsString());
        assertEquals(1, acquired.count());
        assertTrue(acquired.totalTime(TimeUnit.MILLISECONDS) >= 10, registry.getMetersAsString());
        assertEquals(
                1,
                registry.find("lockword.wait")
                        .tags("mode", "WRITE", "outcome", "timed_out")
                        .timer()
                        .count());
        assertEquals(
                1.0,
                registry.find("lockword.timeouts")
                        .tags("lock", "orders")
                        .counter()
                        .count());
        assertTrue(
                registry.find("lockword.hold").tags("mode", "WRITE").timer().count() >= 1,
                registry.getMetersAsString());

        // Corruption: counted once.
        lock.setStateWordForTesting(0xFFFFFFFFFFFFFFFEL);
        assertThrows(LockCorruptedException.class, () -> lock.tryLockRead(Duration.ofSeconds(5)));
        lock.setStateWordForTesting(0L);
        assertEquals(
                1.0,
                registry.find("lockword.corrupted")
                        .tags("lock", "orders")
                        .counter()
                        .count());
        assertTrue(LockState.isValid(lock.stateWord()));
    }
}
