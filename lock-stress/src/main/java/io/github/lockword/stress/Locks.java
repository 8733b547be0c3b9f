// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.stress;

import io.github.lockword.RwLock;
import io.github.lockword.faults.Chaos;
import io.github.lockword.faults.Fault;
import io.github.lockword.faults.FaultyLocks;
import java.time.Duration;
import java.util.Locale;

/** Makes the lock a {@link Soak} run asks for. */
final class Locks {

    /** Chance of each chaos kind per opportunity when {@code --chaos} is on. */
    static final double CHAOS_RATE = 0.05;
    /** Longest delay of a late unpark under chaos. */
    static final Duration CHAOS_MAX_UNPARK_DELAY = Duration.ofNanos(200_000);

    private Locks() {
    }

    /**
     * The fixed lock ({@code new RwLock}) unless the options ask for a fault or chaos; then a lock
     * from lock-faults (with no fault that is still the fixed algorithm, run through the seam).
     */
    static RwLock create(Soak.Options o) {
        if (o.fault == null && !o.chaos) {
            return RwLock.builder().name("soak").fair(o.fair).build();
        }
        FaultyLocks.Builder b = FaultyLocks.builder().fair(o.fair);
        if (o.fault != null) {
            b.faults(Fault.valueOf(o.fault.toUpperCase(Locale.ROOT)));
        }
        if (o.chaos) {
            b.chaos(chaos(o.seed));
        }
        return b.build();
    }

    static Chaos chaos(long seed) {
        return Chaos.all(CHAOS_RATE, seed, CHAOS_MAX_UNPARK_DELAY);
    }
}
