// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.bench;

import io.github.lockword.RwLock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a try-with-resources guard costs over the bare calls: one thread, one lock, an empty section
 * that reads one field. Each {@code guard*} benchmark must score as its {@code bare*} twin (same ns
 * within the error) and, under {@code -prof gc}, allocate about 0 bytes per operation: escape
 * analysis removes the guard once {@code read()}/{@code close()} are inlined.
 *
 * <pre>
 * java -jar lock-bench/target/benchmarks.jar Guards -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@SuppressWarnings("try") // the guard idiom never names its resource in the block
public class Guards {

    private final RwLock lock = new RwLock();
    private int value = 42;

    @Benchmark
    public int bareRead() {
        lock.lockRead();
        try {
            return value;
        } finally {
            lock.unlockRead();
        }
    }

    @Benchmark
    public int guardRead() {
        try (var g = lock.read()) {
            return value;
        }
    }

    @Benchmark
    public int bareWrite() {
        lock.lockWrite();
        try {
            return ++value;
        } finally {
            lock.unlockWrite();
        }
    }

    @Benchmark
    public int guardWrite() {
        try (var g = lock.write()) {
            return ++value;
        }
    }

    /** Upgradable, upgrade, downgrade back, release: the nested-guard idiom against the same calls by hand. */
    @Benchmark
    public int bareUpgrade() {
        lock.lockUpgradable();
        try {
            lock.upgrade();
            try {
                return ++value;
            } finally {
                lock.downgradeToUpgradable();
            }
        } finally {
            lock.unlockUpgradable();
        }
    }

    @Benchmark
    public int guardUpgrade() {
        try (var u = lock.upgradable()) {
            try (var w = u.upgrade()) {
                return ++value;
            }
        }
    }

    @Benchmark
    public int withRead() {
        return lock.withRead(() -> value);
    }
}
