// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.bench;

import io.github.lockword.RwLock;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Supplier;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.info.GraphLayout;

/**
 * Bytes retained by one lock instance, each contender, measured with JOL.
 *
 * <p>Three numbers per lock: the shallow size of the lock object; the total size of everything
 * reachable from it; and the cost of one more instance, {@code size(a, b) - size(a)} over two fresh
 * instances, which leaves out objects shared by all instances (a default name, a no-op listener).
 * The last one is the footprint the report quotes. Target: {@code rwlock} at most 32 bytes before
 * its views are requested.
 *
 * <p>Run: {@code java -cp lock-bench/target/benchmarks.jar io.github.lockword.bench.Footprint
 * [--json FILE]}.
 */
public final class Footprint {

    /** One measured lock kind. */
    public static final class Row {
        public final String contender;
        public final String description;
        public final long shallow;
        public final long reachable;
        public final long perInstance;

        Row(String contender, String description, long shallow, long reachable, long perInstance) {
            this.contender = contender;
            this.description = description;
            this.shallow = shallow;
            this.reachable = reachable;
            this.perInstance = perInstance;
        }
    }

    private Footprint() {}

    /** Measures every lock kind. */
    public static List<Row> measure() {
        final List<Row> rows = new ArrayList<>();
        rows.add(row("rwlock", "new RwLock()", RwLock::new));
        rows.add(row("rwlock-fair", "new RwLock(true)", () -> new RwLock(true)));
        rows.add(row("rwlock-views", "new RwLock() after readLock() and writeLock()", () -> {
            final RwLock lock = new RwLock();
            lock.readLock();
            lock.writeLock();
            return lock;
        }));
        rows.add(row("rrwl", "new ReentrantReadWriteLock()", ReentrantReadWriteLock::new));
        rows.add(row("rrwl-fair", "new ReentrantReadWriteLock(true)", () -> new ReentrantReadWriteLock(true)));
        rows.add(row("stamped", "new StampedLock()", StampedLock::new));
        rows.add(row("stamped-rw", "new StampedLock() after asReadWriteLock()", () -> {
            final StampedLock lock = new StampedLock();
            lock.asReadWriteLock();
            return lock;
        }));
        rows.add(row("reentrant", "new ReentrantLock()", ReentrantLock::new));
        rows.add(row("synchronized", "new Object() (an inflated monitor lives off-heap)", Object::new));
        rows.add(row("floor-atomic", "new AtomicLong()", AtomicLong::new));
        return rows;
    }

    private static Row row(String contender, String description, Supplier<Object> make) {
        final Object a = make.get();
        final Object b = make.get();
        final long shallow = ClassLayout.parseInstance(a).instanceSize();
        final long reachable = GraphLayout.parseInstance(a).totalSize();
        final long both = GraphLayout.parseInstance(a, b).totalSize();
        return new Row(contender, description, shallow, reachable, both - reachable);
    }

    /** Prints the table; with {@code --json FILE} also writes it as JSON. */
    public static void main(String[] args) throws IOException {
        Path json = null;
        for (int i = 0; i < args.length; i++) {
            if ("--json".equals(args[i]) && i + 1 < args.length) {
                json = Path.of(args[++i]);
            } else {
                System.err.println("usage: Footprint [--json FILE]");
                System.exit(2);
            }
        }
        final List<Row> rows = measure();
        print(rows, System.out);
        if (json != null) {
            Files.writeString(json, toJson(rows), StandardCharsets.UTF_8);
        }
    }

    static void print(List<Row> rows, PrintStream out) {
        out.printf(
                Locale.ROOT, "%-14s %8s %10s %13s  %s%n", "contender", "shallow", "reachable", "per-instance", "what");
        for (Row r : rows) {
            out.printf(
                    Locale.ROOT,
                    "%-14s %8d %10d %13d  %s%n",
                    r.contender,
                    r.shallow,
                    r.reachable,
                    r.perInstance,
                    r.description);
        }
    }

    static String toJson(List<Row> rows) {
        final StringBuilder sb = new StringBuilder();
        sb.append("{\n  \"jvm\": \"")
                .append(escape(System.getProperty("java.vm.name")))
                .append(' ')
                .append(escape(System.getProperty("java.version")))
                .append("\",\n  \"rows\": [\n");
        for (int i = 0; i < rows.size(); i++) {
            final Row r = rows.get(i);
            sb.append(String.format(
                    Locale.ROOT,
                    "    {\"contender\": \"%s\", \"description\": \"%s\", \"shallow\": %d, "
                            + "\"reachable\": %d, \"perInstance\": %d}%s%n",
                    escape(r.contender),
                    escape(r.description),
                    r.shallow,
                    r.reachable,
                    r.perInstance,
                    i + 1 < rows.size() ? "," : ""));
        }
        return sb.append("  ]\n}\n").toString();
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
