// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Uncontended acquire + release: one thread, one lock it never shares, an empty critical
 * section. The score is the cost of the fast path (ns per acquire + release); the floor is the
 * same number of atomic operations on a bare word. Target: {@code rwlock} within 1.15x of {@code
 * floor} for both reads and writes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class Uncontended {

    @Param({
        "rwlock",
        "rwlock-fair",
        "rwlock-views",
        "rrwl",
        "rrwl-fair",
        "stamped-rw",
        "stamped",
        "stamped-opt",
        "reentrant",
        "synchronized",
        "floor",
        "floor-atomic"
    })
    public String contender;

    private Contender lock;

    @Setup
    public void setUp() {
        lock = Contender.create(contender);
    }

    /** Read acquire + release. */
    @Benchmark
    public void read() {
        lock.read(0);
    }

    /** Write acquire + release. */
    @Benchmark
    public void write() {
        lock.write(0);
    }
}
