// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.faults;

import io.github.lockword.LockState;
import io.github.lockword.seam.FaultSeam;
import io.github.lockword.seam.GiveBack;
import io.github.lockword.seam.SeamPoint;
import java.util.Set;

/**
 * The {@link FaultSeam} behind every lock {@link FaultyLocks} makes: the chosen faults' steps, the
 * schedule's pause points and the chaos hooks. Every step a fault does not name keeps the seam's
 * default, which is the production step.
 */
final class FaultPlan extends FaultSeam {

    private static final long W = LockState.WRITER;
    private static final long WP = LockState.WRITER_PARKED;
    private static final long R = LockState.ONE_READER;
    private static final long U = LockState.UPGRADABLE;

    private final boolean faultyWrite;
    private final boolean faultyUpgrade;
    private final boolean faultyWakeSeed;
    private final boolean detectCorruption;
    private final Schedule schedule;
    private final Chaos chaos;

    FaultPlan(Set<Fault> faults, boolean detectCorruption, Schedule schedule, Chaos chaos) {
        this.faultyWrite = faults.contains(Fault.ISSUE_465);
        this.faultyUpgrade = faults.contains(Fault.ISSUE_465_UPGRADE);
        this.faultyWakeSeed = faults.contains(Fault.ISSUE_465_WAKE_SEED);
        this.detectCorruption = detectCorruption;
        this.schedule = schedule;
        this.chaos = chaos;
    }

    private boolean faulty(GiveBack op) {
        return op == GiveBack.UPGRADE ? faultyUpgrade : faultyWrite;
    }

    // ---------------------------------------------------------------- issue 465

    @Override
    public boolean clearWriterParkedOnTimeout(GiveBack op) {
        // Pre-fix: the timed-out callback of the WRITER-queue park did nothing.
        return !faulty(op);
    }

    @Override
    public long giveBackDelta(GiveBack op, long prev) {
        // Pre-fix: "clear by adding the inverse" of WRITER_PARKED, a bit another thread clears.
        return faulty(op) ? prev - (W | WP) : prev - W;
    }

    @Override
    public long wakeSeedAfterGiveBack(GiveBack op, long prev) {
        // Pre-fix: a constant seed; the wake filter then skips parked writers and upgraders.
        return faultyWakeSeed ? R | U : prev;
    }

    @Override
    public boolean blindUpgradableRelease() {
        return faultyUpgrade;
    }

    @Override
    public boolean detectCorruption() {
        return detectCorruption;
    }

    // ---------------------------------------------------------------- pause points

    @Override
    public void pause(SeamPoint point, Object lock) {
        Schedule s = schedule;
        if (s == null) {
            return;
        }
        switch (point) {
            case WRITER_TIMED_OUT_BEFORE_RESTORE:
                s.arrive(PausePoint.WRITER_TIMED_OUT_BEFORE_RESTORE);
                break;
            case LAST_READER_BEFORE_UNPARK:
                s.arrive(PausePoint.LAST_READER_BEFORE_UNPARK);
                break;
            case WRITER_BEFORE_PARK:
                s.arrive(PausePoint.WRITER_BEFORE_PARK);
                break;
            case PARKED:
                s.arrive(PausePoint.PARKED);
                break;
            default:
                break; // a point lock-core added later and lock-faults does not name yet
        }
    }

    // ---------------------------------------------------------------- chaos

    @Override
    public boolean spuriousWakeup(Object lock) {
        return chaos != null && chaos.roll(Chaos.Kind.SPURIOUS_WAKEUP);
    }

    @Override
    public boolean expireDeadlineNow(Object lock) {
        return chaos != null && chaos.roll(Chaos.Kind.EARLY_TIMEOUT);
    }

    @Override
    public boolean interruptBeforePark(Object lock) {
        return chaos != null && chaos.roll(Chaos.Kind.INTERRUPT);
    }

    @Override
    public void beforeUnpark(Object lock, Thread waiter) {
        if (chaos != null) {
            chaos.maybeDelayUnpark();
        }
    }
}
