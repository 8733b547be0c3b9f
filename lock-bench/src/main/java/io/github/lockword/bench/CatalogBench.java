// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.bench;

import io.github.lockword.RwLock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;
import org.jctools.maps.NonBlockingHashMap;
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
 * The catalog workload, like a proxy's routing table: a {@code HashMap} of {@code size} entries,
 * looked up under the read lock and updated (a value replaced) under the write lock, against the
 * lock-free maps a user could pick instead, {@code ConcurrentHashMap} and JCTools'
 * {@code NonBlockingHashMap}. Every thread runs the same readers:writers mix ({@link Mix}) on keys
 * drawn from its own xorshift generator. Score: map operations per microsecond, all threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(2)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CatalogBench {

    /** Which map and lock: a lock name guards a {@code HashMap}; chm and nbhm are lock-free maps. */
    @Param({"rwlock", "rwlock-fair", "rwlock-biased", "rrwl", "stamped-rw", "synchronized", "chm", "nbhm"})
    public String contender;

    /** readers:writers operations. */
    @Param({"99:1", "95:5", "50:50"})
    public String mix;

    /** Number of entries. */
    @Param({"4096"})
    public int size;

    private Catalog catalog;
    private Integer[] keys;
    private String[] routes;
    private Mix ops;

    @Setup
    public void setUp() {
        ops = Mix.parse(mix);
        keys = new Integer[size];
        routes = new String[size];
        for (int i = 0; i < size; i++) {
            keys[i] = i;
            routes[i] = "backend-" + i;
        }
        catalog = Catalog.create(contender, size);
        for (int i = 0; i < size; i++) {
            catalog.put(keys[i], routes[i]);
        }
    }

    /** One thread's place in the mix and its key generator. */
    @State(Scope.Thread)
    public static class Cursor extends Mix.Cursor {
        int seed;

        @Setup
        public void setUp(CatalogBench bench, ThreadParams threads) {
            acc = bench.ops.phase(threads.getThreadIndex(), threads.getThreadCount());
            seed = 0x9E3779B9 * (threads.getThreadIndex() + 1);
        }

        int nextIndex(int size) {
            int x = seed;
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            seed = x;
            return (x & Integer.MAX_VALUE) % size;
        }
    }

    /** One lookup or one update, as the mix says. */
    @Benchmark
    public Object op(Cursor cursor) {
        final int i = cursor.nextIndex(size);
        if (ops.nextIsWrite(cursor)) {
            // Re-route the key to another existing backend: no allocation, no resize.
            catalog.put(keys[i], routes[(i + 1) % size]);
            return null;
        }
        return catalog.get(keys[i]);
    }

    /** A map from route key to backend behind one kind of synchronization. */
    abstract static class Catalog {
        abstract Object get(Integer key);

        abstract void put(Integer key, String route);

        static Catalog create(String name, int size) {
            switch (name) {
                case "rwlock":
                    return new RwLockCatalog(new RwLock(), size);
                case "rwlock-fair":
                    return new RwLockCatalog(new RwLock(true), size);
                case "rwlock-biased":
                    return new RwLockCatalog(Contender.biased(), size);
                case "rrwl":
                    return new ViewCatalog(new ReentrantReadWriteLock(), size);
                case "stamped-rw":
                    return new ViewCatalog(new StampedLock().asReadWriteLock(), size);
                case "synchronized":
                    return new MonitorCatalog(size);
                case "chm":
                    return new MapCatalog(new ConcurrentHashMap<>(size * 2));
                case "nbhm":
                    return new MapCatalog(new NonBlockingHashMap<>(size * 2));
                default:
                    throw new IllegalArgumentException("unknown catalog contender '" + name + "'");
            }
        }
    }

    /** {@code HashMap} under lockword's own methods. */
    static final class RwLockCatalog extends Catalog {
        private final RwLock lock;
        private final Map<Integer, String> map;

        RwLockCatalog(RwLock lock, int size) {
            this.lock = lock;
            this.map = new HashMap<>(size * 2);
        }

        @Override
        Object get(Integer key) {
            lock.lockRead();
            try {
                return map.get(key);
            } finally {
                lock.unlockRead();
            }
        }

        @Override
        void put(Integer key, String route) {
            lock.lockWrite();
            try {
                map.put(key, route);
            } finally {
                lock.unlockWrite();
            }
        }
    }

    /** {@code HashMap} under a {@code ReadWriteLock}'s views. */
    static final class ViewCatalog extends Catalog {
        private final Lock readLock;
        private final Lock writeLock;
        private final Map<Integer, String> map;

        ViewCatalog(ReadWriteLock lock, int size) {
            this.readLock = lock.readLock();
            this.writeLock = lock.writeLock();
            this.map = new HashMap<>(size * 2);
        }

        @Override
        Object get(Integer key) {
            readLock.lock();
            try {
                return map.get(key);
            } finally {
                readLock.unlock();
            }
        }

        @Override
        void put(Integer key, String route) {
            writeLock.lock();
            try {
                map.put(key, route);
            } finally {
                writeLock.unlock();
            }
        }
    }

    /** {@code HashMap} under its own monitor. */
    static final class MonitorCatalog extends Catalog {
        private final Map<Integer, String> map;

        MonitorCatalog(int size) {
            this.map = new HashMap<>(size * 2);
        }

        @Override
        Object get(Integer key) {
            synchronized (map) {
                return map.get(key);
            }
        }

        @Override
        void put(Integer key, String route) {
            synchronized (map) {
                map.put(key, route);
            }
        }
    }

    /** A concurrent map used directly. */
    static final class MapCatalog extends Catalog {
        private final Map<Integer, String> map;

        MapCatalog(Map<Integer, String> map) {
            this.map = map;
        }

        @Override
        Object get(Integer key) {
            return map.get(key);
        }

        @Override
        void put(Integer key, String route) {
            map.put(key, route);
        }
    }
}
