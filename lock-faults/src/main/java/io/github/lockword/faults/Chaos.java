// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.faults;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Faults injected at the parking seam, each with a rate (the probability per chance, in [0, 1]) and
 * a seed. Chaos applies to any lock made by {@link FaultyLocks}, the fixed one included: that is how
 * the fixed lock is shown to survive what a real scheduler and a careless caller can do to it.
 *
 * <ul>
 *   <li>{@link Kind#SPURIOUS_WAKEUP}: before a parked thread sleeps, it skips the sleep, as a
 *       spurious return of {@code LockSupport.park} would;</li>
 *   <li>{@link Kind#EARLY_TIMEOUT}: before a timed park sleeps, its deadline passes at once;</li>
 *   <li>{@link Kind#LATE_UNPARK}: an unparker that chose a waiter waits up to a maximum delay
 *       before it hands over the token and wakes it (the waiter's own timeout may fire meanwhile);</li>
 *   <li>{@link Kind#INTERRUPT}: before a parked thread sleeps, it is interrupted.</li>
 * </ul>
 *
 * <p>Each kind draws from its own stream: the n-th chance of a kind is decided by a hash of its seed
 * and n, so adding one kind does not change the decisions of another, and a single-threaded run is
 * reproducible. (With several threads the order in which they take chances varies, as it must.)
 * The seam calls chaos hooks outside every bucket lock; a late unpark delays by spinning, yielding
 * and sleeping, never through {@code LockSupport}.
 *
 * <pre> {@code
 * Chaos chaos = Chaos.builder()
 *     .spuriousWakeups(0.3, 1)
 *     .earlyTimeouts(0.1, 2)
 *     .lateUnparks(0.2, 3, Duration.ofNanos(200_000))
 *     .interrupts(0.05, 4)
 *     .build();
 * RwLock lock = FaultyLocks.builder().chaos(chaos).build();   // the fixed lock, under chaos
 * }</pre>
 */
public final class Chaos {

    /** What chaos can do at the parking seam. */
    public enum Kind {
        /** A parked thread skips a sleep, as if {@code park} returned for no reason. */
        SPURIOUS_WAKEUP,
        /** A timed park's deadline passes at once. */
        EARLY_TIMEOUT,
        /** An unparker waits before it wakes the waiter it chose. */
        LATE_UNPARK,
        /** A thread about to sleep in a park is interrupted. */
        INTERRUPT
    }

    private static final Kind[] KINDS = Kind.values();
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final double[] rates = new double[KINDS.length];
    private final long[] seeds = new long[KINDS.length];
    private final AtomicLong[] chances = new AtomicLong[KINDS.length];
    private final LongAdder[] injected = new LongAdder[KINDS.length];
    private final long maxUnparkDelayNanos;
    private final AtomicLong delayDraws = new AtomicLong();

    private Chaos(Builder b) {
        for (int i = 0; i < KINDS.length; i++) {
            rates[i] = b.rates[i];
            seeds[i] = b.seeds[i];
            chances[i] = new AtomicLong();
            injected[i] = new LongAdder();
        }
        this.maxUnparkDelayNanos = b.maxUnparkDelayNanos;
    }

    /** A builder with every rate at 0. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Every kind at {@code rate}, each seeded from {@code seed}, with late unparks of up to
     * {@code maxUnparkDelay}.
     */
    public static Chaos all(double rate, long seed, Duration maxUnparkDelay) {
        return builder()
                .spuriousWakeups(rate, seed)
                .earlyTimeouts(rate, seed + 1)
                .lateUnparks(rate, seed + 2, maxUnparkDelay)
                .interrupts(rate, seed + 3)
                .build();
    }

    /** The rate of {@code kind}, in [0, 1]. */
    public double rate(Kind kind) {
        return rates[kind.ordinal()];
    }

    /** How many times {@code kind} was injected so far. */
    public long injected(Kind kind) {
        return injected[kind.ordinal()].sum();
    }

    /** How many chances {@code kind} had so far (injected or not). */
    public long chances(Kind kind) {
        return chances[kind.ordinal()].get();
    }

    /** Injection counts of every kind with a non-zero rate. */
    public Map<Kind, Long> injectedCounts() {
        Map<Kind, Long> m = new EnumMap<>(Kind.class);
        for (Kind k : KINDS) {
            if (rates[k.ordinal()] > 0) {
                m.put(k, injected(k));
            }
        }
        return m;
    }

    /** Takes one chance of {@code kind}: true (and counted) with probability {@code rate(kind)}. */
    boolean roll(Kind kind) {
        int i = kind.ordinal();
        double rate = rates[i];
        if (rate <= 0) {
            return false;
        }
        long n = chances[i].getAndIncrement();
        if (rate < 1 && unit(mix(seeds[i] + n * GOLDEN)) >= rate) {
            return false;
        }
        injected[i].increment();
        return true;
    }

    /** Called by the unparker before it wakes {@code waiter}: sometimes waits a while. */
    void maybeDelayUnpark() {
        if (roll(Kind.LATE_UNPARK) && maxUnparkDelayNanos > 0) {
            long r = mix(seeds[Kind.LATE_UNPARK.ordinal()] ^ (delayDraws.getAndIncrement() * GOLDEN));
            Schedule.Pausing.delay((long) (unit(r) * maxUnparkDelayNanos));
        }
    }

    /** SplitMix64's finaliser: a bijective hash of 64 bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The top 53 bits of {@code r} as a double in [0, 1). */
    private static double unit(long r) {
        return (r >>> 11) * 0x1.0p-53;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Chaos[");
        boolean first = true;
        for (Kind k : KINDS) {
            int i = k.ordinal();
            if (rates[i] <= 0) {
                continue;
            }
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(k)
                    .append(' ')
                    .append(rates[i])
                    .append(" seed ")
                    .append(seeds[i])
                    .append(": ")
                    .append(injected(k))
                    .append('/')
                    .append(chances(k));
            if (k == Kind.LATE_UNPARK) {
                sb.append(" up to ").append(maxUnparkDelayNanos / 1000).append(" us");
            }
        }
        return sb.append(first ? "none]" : "]").toString();
    }

    /** Builds a {@link Chaos}. Not thread-safe. */
    public static final class Builder {
        private final double[] rates = new double[KINDS.length];
        private final long[] seeds = new long[KINDS.length];
        private long maxUnparkDelayNanos;

        private Builder() {}

        /** Spurious wake-ups: the chance is taken before every sleep of every park. */
        public Builder spuriousWakeups(double rate, long seed) {
            return set(Kind.SPURIOUS_WAKEUP, rate, seed);
        }

        /** Early timeouts: the chance is taken before every sleep of a timed park. */
        public Builder earlyTimeouts(double rate, long seed) {
            return set(Kind.EARLY_TIMEOUT, rate, seed);
        }

        /**
         * Late unparks: the chance is taken for every waiter an unparker wakes; if taken, the unparker
         * waits a uniformly random time in [0, maxDelay] first.
         */
        public Builder lateUnparks(double rate, long seed, Duration maxDelay) {
            if (maxDelay.isNegative()) {
                throw new IllegalArgumentException("negative delay: " + maxDelay);
            }
            maxUnparkDelayNanos = maxDelay.toNanos();
            return set(Kind.LATE_UNPARK, rate, seed);
        }

        /** Interrupts: the chance is taken before every sleep of every park. */
        public Builder interrupts(double rate, long seed) {
            return set(Kind.INTERRUPT, rate, seed);
        }

        private Builder set(Kind kind, double rate, long seed) {
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException(kind + ": rate must be in [0, 1]: " + rate);
            }
            if (kind == Kind.SPURIOUS_WAKEUP && rate == 1) {
                // Every sleep skipped: a parked thread would spin until unparked, and a timed park
                // would never look at its deadline.
                throw new IllegalArgumentException("SPURIOUS_WAKEUP: a rate of 1 never sleeps; use less than 1");
            }
            rates[kind.ordinal()] = rate;
            seeds[kind.ordinal()] = seed;
            return this;
        }

        /** A new {@link Chaos} with fresh counters. */
        public Chaos build() {
            return new Chaos(this);
        }
    }
}
