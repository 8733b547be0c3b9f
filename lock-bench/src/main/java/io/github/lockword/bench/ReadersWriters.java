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
 * Asymmetric contention with dedicated roles: reader threads only read, writer threads only
 * write, all on one lock per group. JMH reports the group's total and, as secondary results, the
 * readers' and the writers' throughput, so a lock that starves one side shows it.
 *
 * <p>The default is one reader and one writer (this machine has 2 cores); choose the split with
 * {@code -tg READERS,WRITERS}, e.g. {@code -tg 15,1} or {@code -tg 63,1} where cores exist.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ReadersWriters {

    @Param({
        "rwlock",
        "rwlock-fair",
        "rrwl",
        "rrwl-fair",
        "stamped-rw",
        "stamped",
        "stamped-opt",
        "reentrant",
        "synchronized",
        "floor"
    })
    public String contender;

    /** Critical-section length in {@code Blackhole.consumeCPU} tokens. */
    @Param({"0", "100", "1000"})
    public long work;

    private Contender lock;

    @Setup
    public void setUp() {
        lock = Contender.create(contender);
    }

    /** A reader thread's critical section. */
    @Benchmark
    @Group("rw")
    @GroupThreads(1)
    public void reader() {
        lock.read(work);
    }

    /** A writer thread's critical section. */
    @Benchmark
    @Group("rw")
    @GroupThreads(1)
    public void writer() {
        lock.write(work);
    }
}
