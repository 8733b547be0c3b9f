// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.faults;

import io.github.lockword.RwLock;
import io.github.lockword.seam.FaultSeam;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Makes {@link RwLock}s that run the production algorithm with chosen steps swapped for the faulty
 * steps of parking_lot before PR #466, optionally with {@linkplain Schedule pause points} and
 * {@linkplain Chaos chaos} at the parking seam.
 *
 * <p>A lock made here is an ordinary {@code RwLock} whose slow paths consult a seam; a lock made
 * with {@code new RwLock()} has no seam and can never run a faulty step. With no fault the lock made
 * here is the fixed lock (every step the production one), which is how chaos and schedules are run
 * against the fix.
 *
 * <pre> {@code
 * RwLock broken = FaultyLocks.create(Fault.ISSUE_465);              // as parking_lot 0.12.3
 * RwLock fixedUnderChaos = FaultyLocks.builder().chaos(chaos).build();
 * RwLock scripted = FaultyLocks.builder().faults(Fault.ISSUE_465).schedule(schedule).build();
 * }</pre>
 *
 * <p><b>Corruption check.</b> lockword's slow paths check the word against the layout's invariants
 * and throw {@link io.github.lockword.LockCorruptedException}; parking_lot 0.12.3 had no such check,
 * so its corrupted lock silently made every later acquisition wait. A lock with at least one fault
 * reproduces that by default (check off); a lock with no fault keeps the check on. Either can be
 * changed with {@link Builder#detectCorruption(boolean)}.
 */
public final class FaultyLocks {

    private FaultyLocks() {}

    /**
     * A lock running {@code faults}, with the corruption check off when there is at least one (a
     * faithful reproduction of parking_lot 0.12.3), no pause points and no chaos. With no fault it
     * is the fixed lock.
     */
    public static RwLock create(Fault... faults) {
        return builder().faults(faults).build();
    }

    /** A builder for a lock with faults, a schedule, chaos, a name or fairness. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a lock run through lock-faults' seam. Not thread-safe. */
    public static final class Builder {
        private final Set<Fault> faults = EnumSet.noneOf(Fault.class);
        private Boolean detectCorruption;
        private Schedule schedule;
        private Chaos chaos;
        private boolean fair;
        private String name;

        private Builder() {}

        /** Adds faults (none: the fixed lock). */
        public Builder faults(Fault... more) {
            for (Fault f : more) {
                faults.add(Objects.requireNonNull(f, "fault"));
            }
            return this;
        }

        /**
         * Whether slow paths throw {@link io.github.lockword.LockCorruptedException} on a corrupt
         * word. Default: off if any fault was added (as parking_lot 0.12.3), on otherwise.
         */
        public Builder detectCorruption(boolean detect) {
            this.detectCorruption = detect;
            return this;
        }

        /** The schedule whose gates may hold this lock's threads at pause points. */
        public Builder schedule(Schedule schedule) {
            this.schedule = Objects.requireNonNull(schedule, "schedule");
            return this;
        }

        /** Chaos injected at this lock's parking seam. */
        public Builder chaos(Chaos chaos) {
            this.chaos = Objects.requireNonNull(chaos, "chaos");
            return this;
        }

        /** Whether every unlock with waiters hands off (default false: eventually fair). */
        public Builder fair(boolean fair) {
            this.fair = fair;
            return this;
        }

        /**
         * The name the lock's {@code toString()} and exceptions show. Default: {@code "fixed"}, or
         * {@code "faulty:"} and the faults, e.g. {@code "faulty:ISSUE_465"}.
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** A new unlocked lock. */
        public RwLock build() {
            boolean detect = detectCorruption != null ? detectCorruption : faults.isEmpty();
            String n = name != null
                    ? name
                    : faults.isEmpty()
                            ? "fixed"
                            : faults.stream().map(Enum::name).collect(Collectors.joining("+", "faulty:", ""));
            FaultPlan plan = new FaultPlan(EnumSet.copyOf(faults), detect, schedule, chaos);
            return FaultSeam.newLock(n, fair, plan);
        }
    }
}
