// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.stress;

import io.github.lockword.RwLock;
import io.github.lockword.faults.Chaos;
import io.github.lockword.faults.Fault;
import io.github.lockword.faults.FaultyLocks;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes the locks the soak and the jcstress tests run: the ways a user can get an {@link RwLock}
 * ({@link Kind}), and the faulty or chaotic locks of lock-faults for the soak.
 */
public final class Locks {

    /** Chance of each chaos kind per opportunity when {@code --chaos} is on. */
    static final double CHAOS_RATE = 0.05;
    /** Longest delay of a late unpark under chaos. */
    static final Duration CHAOS_MAX_UNPARK_DELAY = Duration.ofNanos(200_000);

    /**
     * System property that pins the jcstress tests to one {@link Kind} (e.g.
     * {@code -jvmArgsPrepend -Dlockword.lock=checked}); by default each test state draws one.
     */
    public static final String KIND_PROPERTY = "lockword.lock";

    private static final Kind PINNED = pinned();

    /** The ways to make a lock. Each runs the same algorithm; they differ in what they track. */
    public enum Kind {
        /** {@code new RwLock()} / {@code new RwLock(true)}: no tracking, the production default. */
        PLAIN,
        /** {@code RwLock.builder().build()}: hold tracking on (the builder's default). */
        BUILDER,
        /** {@code RwLock.builder().checked(true).build()}: per-thread read holds, misuse turned into exceptions. */
        CHECKED,
        /** {@code RwLock.builder().trackHolds(false).build()}: a named lock without hold tracking. */
        UNTRACKED;

        /** A new lock of this kind. */
        public RwLock create(boolean fair) {
            switch (this) {
                case PLAIN:
                    return new RwLock(fair);
                case BUILDER:
                    return RwLock.builder().name("builder").fair(fair).build();
                case CHECKED:
                    return RwLock.builder()
                            .name("checked")
                            .fair(fair)
                            .checked(true)
                            .build();
                default:
                    return RwLock.builder()
                            .name("untracked")
                            .fair(fair)
                            .trackHolds(false)
                            .build();
            }
        }

        static Kind parse(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "unknown lock kind " + name + " (plain, builder, checked, untracked)", e);
            }
        }
    }

    private Locks() {}

    private static Kind pinned() {
        String p = System.getProperty(KIND_PROPERTY);
        return p == null || p.isBlank() || p.equalsIgnoreCase("any") ? null : Kind.parse(p);
    }

    /**
     * For a jcstress state: a lock of a kind drawn at random from {@code PLAIN}, {@code BUILDER} and
     * {@code CHECKED} (or the kind {@value #KIND_PROPERTY} pins), so every test covers the production
     * lock and the builder's, in both modes, at no extra JVM configurations.
     */
    public static RwLock anyKind(boolean fair) {
        if (PINNED != null) {
            return PINNED.create(fair);
        }
        return Kind.values()[ThreadLocalRandom.current().nextInt(3)].create(fair);
    }

    /**
     * As {@link #anyKind}, but never {@code CHECKED}: for states whose read or upgradable shares are
     * taken by one thread and released by another, which checked mode (rightly) refuses.
     */
    public static RwLock anyUncheckedKind(boolean fair) {
        if (PINNED != null && PINNED != Kind.CHECKED) {
            return PINNED.create(fair);
        }
        return (ThreadLocalRandom.current().nextBoolean() ? Kind.PLAIN : Kind.BUILDER).create(fair);
    }

    /**
     * The lock a {@link Soak} run asks for: its {@link Soak.Options#kind} unless the options ask for a
     * fault or chaos; then a lock from lock-faults (with no fault that is still the fixed algorithm,
     * run through the seam).
     */
    static RwLock create(Soak.Options o) {
        if (o.fault == null && !o.chaos) {
            return o.kind.create(o.fair);
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
