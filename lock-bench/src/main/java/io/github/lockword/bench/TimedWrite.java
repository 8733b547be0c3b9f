// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Timed writes under reader pressure, the workload of parking_lot issue 465: reader threads hold
 * the read lock back to back for {@code work} tokens each; one writer calls {@code
 * tryLockWrite(timeoutUs)} (or the contender's equivalent), runs an empty section when it got the
 * lock, and pauses outside the timed region between attempts. Reported: the latency of each
 * attempt ({@code writer} secondary result, {@code Mode.SampleTime}) and the counts of successful
 * and timed-out attempts ({@code successes}, {@code failures}) from which the report derives the
 * success rate.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TimedWrite {

    @Param({"rwlock", "rwlock-fair", "rrwl", "rrwl-fair", "stamped-rw", "stamped", "reentrant"})
    public String contender;

    /** The readers' critical-section length in {@code Blackhole.consumeCPU} tokens. */
    @Param({"100", "10000"})
    public long work;

    /** The writer's timeout, microseconds. */
    @Param({"1000"})
    public long timeoutUs;

    private Contender lock;
    private long timeoutNanos;

    @Setup
    public void setUp() {
        lock = Contender.create(contender);
        timeoutNanos = TimeUnit.MICROSECONDS.toNanos(timeoutUs);
    }

    /** The writer's outcome counts, per iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Outcomes {
        /** Timed write attempts that acquired the lock. */
        public long successes;
        /** Timed write attempts that timed out. */
        public long failures;

        @Setup(Level.Iteration)
        public void reset() {
            successes = 0;
            failures = 0;
        }
    }

    /** The pressure: a read critical section, back to back. */
    @Benchmark
    @Group("timed")
    @GroupThreads(2)
    public void reader() {
        lock.read(work);
    }

    /** One timed write attempt. */
    @Benchmark
    @Group("timed")
    @GroupThreads(1)
    public boolean writer(WriterPause pause, Outcomes outcomes) throws InterruptedException {
        final boolean acquired = lock.tryWrite(0, timeoutNanos);
        if (acquired) {
            outcomes.successes++;
        } else {
            outcomes.failures++;
        }
        return acquired;
    }
}
