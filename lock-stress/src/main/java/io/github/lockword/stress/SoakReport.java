// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.stress;

import io.github.lockword.LockState;
import java.util.List;

/**
 * What a {@link Soak} run found. {@link #passed()} is the verdict: no corrupted word, no overlap of
 * holders that must exclude each other, no early timeout, no lost wake-up, no stuck thread, no unexpected exception,
 * and an unlocked word ({@code 0}) once every worker has stopped.
 *
 * @param seconds          wall-clock length of the run
 * @param operations       completed operations (each: acquire in some mode, maybe transform, release)
 * @param acquisitions     successful acquisitions, including upgrades and downgrades
 * @param timeouts         timed acquisitions and timed upgrades that gave up
 * @param interrupts       InterruptedExceptions thrown by interruptible operations
 * @param maxWaitNanos     longest time any acquisition waited, successful or not
 * @param corruptedWords   observations of a word that breaks the layout's invariants
 * @param exclusionErrors  observations of two holders inside that must exclude each other
 * @param earlyTimeouts    timed operations that gave up before their timeout elapsed (checked only
 *                         without chaos, which expires deadlines early on purpose)
 * @param lostWakeups      timed operations that gave up although the lock had been free (for them)
 *                         since at least the wake-up latency allowance before their deadline: a
 *                         release that should have woken them did not (checked only without chaos)
 * @param unexpected       exceptions other than InterruptedException thrown by lock operations
 * @param stuckThreads     workers found past their deadline (timed operations: timeout plus a grace
 *                         period; untimed: the stuck threshold), counted once per operation
 * @param unfinishedThreads workers still inside an operation when the run ended and the join gave up
 * @param finalWord        the lock's word after every worker stopped (or gave up)
 * @param notes            the first few events worth reading, in the order they were reported
 */
public record SoakReport(
        double seconds,
        long operations,
        long acquisitions,
        long timeouts,
        long interrupts,
        long maxWaitNanos,
        long corruptedWords,
        long exclusionErrors,
        long earlyTimeouts,
        long lostWakeups,
        long unexpected,
        long stuckThreads,
        int unfinishedThreads,
        long finalWord,
        List<String> notes) {

    /** The verdict: nothing wrong was seen and the lock ended unlocked. */
    public boolean passed() {
        return corruptedWords == 0
                && exclusionErrors == 0
                && earlyTimeouts == 0
                && lostWakeups == 0
                && unexpected == 0
                && stuckThreads == 0
                && unfinishedThreads == 0
                && finalWord == 0L;
    }

    /** A multi-line human-readable summary. */
    public String summary() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("duration          %.1f s%n", seconds));
        b.append(String.format(
                "operations        %,d (%,.0f ops/s)%n", operations, operations / Math.max(seconds, 1e-9)));
        b.append(String.format("acquisitions      %,d%n", acquisitions));
        b.append(String.format("timeouts          %,d%n", timeouts));
        b.append(String.format("interrupts        %,d%n", interrupts));
        b.append(String.format("max wait          %.3f ms%n", maxWaitNanos / 1e6));
        b.append(String.format("corrupted words   %,d%n", corruptedWords));
        b.append(String.format("exclusion errors  %,d%n", exclusionErrors));
        b.append(String.format("early timeouts    %,d%n", earlyTimeouts));
        b.append(String.format("lost wake-ups     %,d%n", lostWakeups));
        b.append(String.format("unexpected exc.   %,d%n", unexpected));
        b.append(String.format("stuck threads     %,d%n", stuckThreads));
        b.append(String.format("unfinished        %,d%n", unfinishedThreads));
        b.append(String.format("final word        %s (%s)%n", LockState.hex(finalWord), LockState.describe(finalWord)));
        for (String note : notes) {
            b.append("  note: ").append(note).append(System.lineSeparator());
        }
        b.append(passed() ? "PASSED" : "FAILED");
        return b.toString();
    }
}
