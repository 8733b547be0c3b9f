// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.examples;

import io.github.lockword.LockListener;
import io.github.lockword.LockMode;
import io.github.lockword.RwLock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The README's example of feeding lockword's listener into Micrometer (kept here so a test proves
 * it compiles and works): a timer of contended waits per lock, mode and outcome; a timer of long
 * holds; counters of timeouts and corrupted words. Every callback runs on a slow path only, and the
 * lock guards it: an exception here never reaches the lock operation.
 *
 * <pre>{@code
 * RwLock lock = RwLock.builder().name("orders")
 *         .listener(new MicrometerLockListener(registry))
 *         .longHoldThreshold(Duration.ofMillis(10))   // holds reported to the hold timer
 *         .build();
 * }</pre>
 */
public final class MicrometerLockListener implements LockListener {
    private final MeterRegistry registry;

    public MicrometerLockListener(MeterRegistry registry) {
        this.registry = registry;
    }

    private static String name(RwLock lock) {
        return lock.getName() != null ? lock.getName() : "unnamed";
    }

    private void waited(RwLock lock, LockMode mode, String outcome, long nanos) {
        Timer.builder("lockword.wait")
                .description("Time threads spent parked waiting for a lockword RwLock")
                .tag("lock", name(lock))
                .tag("mode", mode.name())
                .tag("outcome", outcome)
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void acquiredAfterWait(RwLock lock, LockMode mode, long waitNanos) {
        waited(lock, mode, "acquired", waitNanos);
    }

    @Override
    public void timedOut(RwLock lock, LockMode mode, long waitNanos) {
        waited(lock, mode, "timed_out", waitNanos);
        Counter.builder("lockword.timeouts")
                .tag("lock", name(lock))
                .tag("mode", mode.name())
                .register(registry)
                .increment();
    }

    @Override
    public void interrupted(RwLock lock, LockMode mode, long waitNanos) {
        waited(lock, mode, "interrupted", waitNanos);
    }

    @Override
    public void corrupted(RwLock lock, long word, List<String> violations) {
        Counter.builder("lockword.corrupted")
                .tag("lock", name(lock))
                .register(registry)
                .increment();
    }

    @Override
    public void longHold(RwLock lock, LockMode mode, Thread holder, long heldNanos) {
        Timer.builder("lockword.hold")
                .description("Write and upgradable holds at least the lock's long-hold threshold")
                .tag("lock", name(lock))
                .tag("mode", mode.name())
                .register(registry)
                .record(heldNanos, TimeUnit.NANOSECONDS);
    }
}
