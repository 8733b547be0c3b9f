// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import io.github.lockword.seam.FaultSeam;
import java.time.Duration;

/** A lock's immutable settings. Default and fair locks share two instances. */
final class Config {

    static final Duration DEFAULT_LONG_HOLD = Duration.ofMillis(20);

    static final Config DEFAULT = new Config(null, false, false, false, false, null, null, DEFAULT_LONG_HOLD.toNanos());
    static final Config FAIR = new Config(null, true, false, false, false, null, null, DEFAULT_LONG_HOLD.toNanos());

    /** Shown by toString(), exceptions, events and reports; null for an unnamed lock. */
    final String name;
    /** Every unlock with waiters hands off. */
    final boolean fair;
    /** Per-thread read holds are tracked and self-deadlocks turned into exceptions. */
    final boolean checked;
    /** Write and upgradable holders are recorded with their times. */
    final boolean trackHolds;
    /** Readers take their shares on the global visible-readers table while the lock is read-biased. */
    final boolean readBiased;
    /** The user's listener, or null. */
    final LockListener listener;
    /** lock-faults' seam, or null for every production lock. */
    final FaultSeam seam;
    /** Holds longer than this are reported. */
    final long longHoldNanos;

    Config(
            String name,
            boolean fair,
            boolean checked,
            boolean trackHolds,
            boolean readBiased,
            LockListener listener,
            FaultSeam seam,
            long longHoldNanos) {
        this.name = name;
        this.fair = fair;
        this.checked = checked;
        this.trackHolds = trackHolds;
        this.readBiased = readBiased;
        this.listener = listener;
        this.seam = seam;
        this.longHoldNanos = longHoldNanos;
    }

    /** A lock that is not read-biased. */
    Config(
            String name,
            boolean fair,
            boolean checked,
            boolean trackHolds,
            LockListener listener,
            FaultSeam seam,
            long longHoldNanos) {
        this(name, fair, checked, trackHolds, false, listener, seam, longHoldNanos);
    }

    static Config seamed(String name, boolean fair, FaultSeam seam) {
        return new Config(name, fair, false, false, false, null, seam, DEFAULT_LONG_HOLD.toNanos());
    }

    /** Whether the lock needs the instrumented subclass (checked mode, hold tracking or read bias). */
    boolean instrumented() {
        return checked || trackHolds || readBiased;
    }
}
