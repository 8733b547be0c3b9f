// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Writer latency under a reader flood: reader threads take the read lock back to back with
 * overlapping critical sections, so the reader count rarely drops to zero on its own; one writer
 * measures how long a write acquire + release takes ({@code Mode.SampleTime}: p50, p99, p99.9 of
 * the {@code writer} secondary result). Between attempts the writer sleeps outside the timed
 * region ({@link WriterPause}) so that each sample is a writer arriving at a lock full of readers.
 * A lock without writer preference or hand-off starves the writer and shows it here; the {@code
 * reader} secondary result shows what the readers pay for the writer.
 *
 * <p>Default: two readers and one writer; choose with {@code -tg READERS,1}. Target: {@code
 * rwlock}'s writer p99 no worse than {@code rrwl}'s.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class WriterLatency {

    @Param({"rwlock", "rwlock-fair", "rrwl", "rrwl-fair", "stamped-rw", "stamped", "reentrant", "synchronized"})
    public String contender;

    /** The readers' critical-section length in {@code Blackhole.consumeCPU} tokens. */
    @Param({"100"})
    public long work;

    private Contender lock;

    @Setup
    public void setUp() {
        lock = Contender.create(contender);
    }

    /** The flood: a read critical section, back to back. */
    @Benchmark
    @Group("flood")
    @GroupThreads(2)
    public void reader() {
        lock.read(work);
    }

    /** The measured writer: an empty write critical section, paced by {@link WriterPause}. */
    @Benchmark
    @Group("flood")
    @GroupThreads(1)
    public void writer(WriterPause pause) {
        lock.write(0);
    }
}
