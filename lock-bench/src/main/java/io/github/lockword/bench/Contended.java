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
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Contended throughput: all threads share one lock and each runs the same readers:writers
 * operation mix ({@link Mix}), with a critical section of {@code work} tokens of
 * {@code Blackhole.consumeCPU}. The score is total critical sections per microsecond across all
 * threads.
 *
 * <p>The mix is per operation rather than per thread so that 95:5 exists on a 2-core machine; for
 * dedicated reader and writer threads see {@link ReadersWriters}. Thread count: {@code -t N}
 * (default 2, the cores of the reference machine).
 *
 * <p>Targets: at {@code 100:0} and {@code 95:5}, {@code rwlock} at least 2.5x {@code rrwl}, at
 * least {@code stamped-rw}, within 1.3x of {@code floor}; at {@code 0:100} no worse than
 * {@code rrwl}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(2)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class Contended {

    @Param({
        "rwlock",
        "rwlock-fair",
        "rwlock-biased",
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

    /** readers:writers operations. */
    @Param({"100:0", "95:5", "50:50", "0:100"})
    public String mix;

    /** Critical-section length in {@code Blackhole.consumeCPU} tokens. */
    @Param({"0", "100", "1000"})
    public long work;

    private Contender lock;
    private Mix ops;

    @Setup
    public void setUp() {
        lock = Contender.create(contender);
        ops = Mix.parse(mix);
    }

    /** One thread's place in the mix, staggered by thread index. */
    @State(Scope.Thread)
    public static class Cursor extends Mix.Cursor {
        @Setup
        public void setUp(Contended bench, ThreadParams threads) {
            acc = bench.ops.phase(threads.getThreadIndex(), threads.getThreadCount());
        }
    }

    /** One read or write critical section, as the mix says. */
    @Benchmark
    public void op(Cursor cursor) {
        if (ops.nextIsWrite(cursor)) {
            lock.write(work);
        } else {
            lock.read(work);
        }
    }
}
