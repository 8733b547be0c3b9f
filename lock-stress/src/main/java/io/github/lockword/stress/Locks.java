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

    /** What {@link #anyKind} draws from. */
    private static final Kind[] ANY = {Kind.PLAIN, Kind.BUILDER, Kind.CHECKED, Kind.READ_BIASED};

    /** What {@link #anyUncheckedKind} draws from: kinds whose read shares any thread may release. */
    private static final Kind[] UNBOUND = {Kind.PLAIN, Kind.BUILDER};

    /** The ways to make a lock. Each runs the same algorithm; they differ in what they track. */
    public enum Kind {
        /** {@code new RwLock()} / {@code new RwLock(true)}: no tracking, the production default. */
        PLAIN,
        /** {@code RwLock.builder().build()}: hold tracking on (the builder's default). */
        BUILDER,
        /** {@code RwLock.builder().checked(true).build()}: per-thread read holds, misuse turned into exceptions. */
        CHECKED,
        /** {@code RwLock.builder().trackHolds(false).build()}: a named lock without hold tracking. */
        UNTRACKED,
        /**
         * {@code RwLock.builder().readBiased(true).build()}: BRAVO's read bias (reads on the global
         * slot table, writers revoke), with hold tracking. Its biased read shares are bound to the
         * thread that took them.
         */
        READ_BIASED;

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
                case READ_BIASED:
                    return RwLock.builder()
                            .name("read-biased")
                            .fair(fair)
                            .readBiased(true)
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
                return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "unknown lock kind " + name + " (plain, builder, checked, untracked, read-biased)", e);
            }
        }
    }

    private Locks() {}

    private static Kind pinned() {
        String p = System.getProperty(KIND_PROPERTY);
        return p == null || p.isBlank() || p.equalsIgnoreCase("any") ? null : Kind.parse(p);
    }

    /**
     * For a jcstress state: a lock of a kind drawn at random from {@code PLAIN}, {@code BUILDER},
     * {@code CHECKED} and {@code READ_BIASED} (or the kind {@value #KIND_PROPERTY} pins), so every
     * test covers the production lock, the builder's, checked mode and the read-biased lock, at no
     * extra JVM configurations.
     */
    public static RwLock anyKind(boolean fair) {
        if (PINNED != null) {
            return PINNED.create(fair);
        }
        return ANY[ThreadLocalRandom.current().nextInt(ANY.length)].create(fair);
    }

    /**
     * As {@link #anyKind}, but never {@code CHECKED} or {@code READ_BIASED}: for states whose read or
     * upgradable shares are taken by one thread and released by another, which checked mode
     * (rightly) refuses and which a read-biased lock's slot shares do not allow.
     */
    public static RwLock anyUncheckedKind(boolean fair) {
        if (PINNED != null && PINNED != Kind.CHECKED && PINNED != Kind.READ_BIASED) {
            return PINNED.create(fair);
        }
        return UNBOUND[ThreadLocalRandom.current().nextInt(UNBOUND.length)].create(fair);
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
