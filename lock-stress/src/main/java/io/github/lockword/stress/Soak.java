// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.stress;

import io.github.lockword.LockState;
import io.github.lockword.RwLock;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.jctools.queues.MpscArrayQueue;

/**
 * The soak harness: N threads run random lock operations against one {@link RwLock} for a given
 * time, in every acquisition mode (plain, interruptible, try, timed, the {@code Lock} views,
 * recursive read, upgrade, timed upgrade, the three downgrades, fair unlocks, condition waits),
 * with timeouts from 0 to a few milliseconds and random interrupts, and check after every
 * operation that
 * <ol>
 *   <li>the word is valid ({@link LockState#violations(long)} is empty),</li>
 *   <li>holders that must exclude each other never overlap (an occupancy word kept by the harness,
 *       updated with one atomic add on every entry and exit and checked on the value it returns),</li>
 *   <li>a timed operation that gives up has waited at least its timeout (without chaos),</li>
 *   <li>a timed operation that gives up was not left asleep on a free lock: if the lock had been
 *       free (nobody but the waiter inside, and nobody entering) since a point at least
 *       {@code --wake-latency-ms} before the waiter's deadline, a release failed to wake it, and the
 *       run counts a <em>lost wake-up</em> (see {@link Worker#checkLostWakeup}),</li>
 *   <li>no thread stays inside an operation past its deadline (a watchdog: timed operations get
 *       their timeout plus a grace period, untimed ones a stuck threshold),</li>
 * </ol>
 * and at the end that the word is {@code 0}. It prints ops/s, timeouts, max wait, corrupted words
 * and stuck threads.
 *
 * <p>Measuring must not change the timing it measures, so workers share no lock: counters live in
 * per-thread {@link Stats} written only by their owner, and the rare events worth a line (a
 * corrupted word, an overlap, a stuck thread) go through a lock-free JCTools
 * {@link MpscArrayQueue} that the main thread drains.
 *
 * <p>Usage: {@code java -cp lock-stress/target/jcstress.jar io.github.lockword.stress.Soak
 * [--threads N] [--duration 10m] [--lock plain|builder|checked|untracked|read-biased] [--fair]
 * [--max-timeout-us 2000] [--patient-every 64] [--patient-ms 1000] [--wake-latency-ms 100]
 * [--interrupt-every-us 500] [--idle-us 0] [--chaos] [--fault ISSUE_465] [--seed S]
 * [--stuck-ms 10000] [--report-every 10s]}. Exit status 0 when the run passed, 1 when it found a
 * problem, 2 on a usage error.
 */
public final class Soak {

    /** Run parameters; every field has a default suitable for a short run. */
    public static final class Options {
        /** Worker threads. */
        public int threads = 4;
        /** How long the workers run. */
        public Duration duration = Duration.ofSeconds(10);
        /** Timed operations draw their timeout uniformly from 0 to this. */
        public long maxTimeoutMicros = 2_000;
        /** The interrupter interrupts a random worker this often; 0 turns interrupts off. */
        public long interruptEveryMicros = 500;
        /** Use a fair lock (every unlock with waiters hands off). */
        public boolean fair;
        /** How the lock is made: {@code new RwLock()}, the builder, checked mode, no hold tracking. */
        public Locks.Kind kind = Locks.Kind.PLAIN;
        /** One timed acquisition in this many waits {@link #patientMillis} instead (0: never). */
        public int patientEvery = 64;
        /** The timeout of a patient acquisition: long enough for a lost wake-up to show. */
        public long patientMillis = 1_000;
        /**
         * A timed acquisition that gives up although the lock had been free since this long before its
         * deadline counts as a lost wake-up: the longest a woken thread may take to be scheduled.
         */
        public long wakeLatencyMillis = 100;
        /** Workers pause up to this long between operations (0: no pause), which leaves the lock idle. */
        public long idleMicros;
        /** Inject chaos at the parking seam (lock-faults): spurious wake-ups, early timeouts, ... */
        public boolean chaos;
        /** Run a faulty lock from lock-faults instead of the fixed one ({@code Fault} name), or null. */
        public String fault;
        /** Seed of the workers' operation choices. */
        public long seed = System.nanoTime();
        /** An untimed wait longer than this is reported as a stuck thread. */
        public long stuckMillis = 10_000;
        /** A timed wait this much past its deadline is reported as a stuck thread. */
        public long graceMillis = 2_000;
        /** Progress line interval; zero or negative for none. */
        public Duration reportEvery = Duration.ofSeconds(10);
        /** Critical sections busy-wait up to this many spin hints. */
        public int maxHoldSpins = 64;
        /**
         * Self-test of the lost wake-up check only: a patient {@code tryLockWrite(timeout)} sleeps out
         * its whole timeout without looking at the lock and fails, which from outside is exactly a
         * waiter whose wake-up was lost. A run with this set must fail. (RwLock is sealed, so the
         * misbehaving waiter lives here rather than in a subclass of the lock.)
         */
        public boolean sleepThroughPatientWrites;

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "threads=%d duration=%s lock=%s max-timeout=%dus patient=%s "
                            + "interrupt-every=%s idle=%dus fair=%s chaos=%s fault=%s seed=%d",
                    threads,
                    duration,
                    kind.name().toLowerCase(Locale.ROOT),
                    maxTimeoutMicros,
                    patientEvery <= 0 ? "off" : "1/" + patientEvery + "@" + patientMillis + "ms",
                    interruptEveryMicros == 0 ? "off" : interruptEveryMicros + "us",
                    idleMicros,
                    fair,
                    chaos,
                    fault == null ? "none" : fault,
                    seed);
        }
    }

    /*
     * Occupancy word kept by the harness: three 16-bit counts of holders inside, and in the top 16
     * bits a count of entries (mod 2^16), so that "no entry since then" is one comparison.
     */
    private static final long OCC_READER = 1L;
    private static final long OCC_UPGRADABLE = 1L << 16;
    private static final long OCC_WRITER = 1L << 32;
    private static final long OCC_ENTRY = 1L << 48;
    private static final long OCC_FIELD = (1L << 16) - 1;
    private static final long OCC_HOLDERS = OCC_ENTRY - 1;

    /**
     * When the occupancy word last dropped to a given set of holders: {@code entries} is the entry
     * count then, {@code nanos} a time just after. While the entry count is unchanged the lock has
     * had no holder but those left then.
     */
    private static final class Mark {
        final long entries;
        final long nanos;

        Mark(long entries, long nanos) {
            this.entries = entries;
            this.nanos = nanos;
        }
    }

    private static final Mark NO_MARK = new Mark(-1, 0);

    private static final int MAX_NOTES = 20;
    private static final int EVENT_CAPACITY = 4096;

    private final Options options;
    private final RwLock lock;
    private final Condition condition;
    private final PrintStream out;
    private final AtomicLong occupancy = new AtomicLong();
    /** The last exit that left nobody inside. */
    private volatile Mark freeMark = NO_MARK;
    /** The last exit that left only an upgradable holder inside. */
    private volatile Mark upgradableOnlyMark = NO_MARK;

    private final MpscArrayQueue<String> events = new MpscArrayQueue<>(EVENT_CAPACITY);
    private final List<String> notes = new ArrayList<>();
    private final long maxTimeoutNanos;
    private final long patientNanos;
    private final long wakeLatencyNanos;
    private volatile long endNanos;

    private Soak(Options options, RwLock lock, PrintStream out) {
        this.options = options;
        this.lock = lock;
        this.condition = lock.writeLock().newCondition();
        this.out = out;
        this.maxTimeoutNanos = TimeUnit.MICROSECONDS.toNanos(options.maxTimeoutMicros);
        this.patientNanos = TimeUnit.MILLISECONDS.toNanos(options.patientMillis);
        this.wakeLatencyNanos = TimeUnit.MILLISECONDS.toNanos(options.wakeLatencyMillis);
    }

    /**
     * Runs the soak with {@code options}, printing progress and the summary to {@code out}.
     *
     * @param lockFactory makes the lock under test; null for the one {@code options} describe
     */
    public static SoakReport run(Options options, Supplier<RwLock> lockFactory, PrintStream out) {
        RwLock lock = lockFactory != null ? lockFactory.get() : Locks.create(options);
        return new Soak(options, lock, out).execute();
    }

    /** Runs the soak with {@code options} on the lock they describe. */
    public static SoakReport run(Options options, PrintStream out) {
        return run(options, null, out);
    }

    /** Command-line entry point; see the class comment. */
    public static void main(String[] args) {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("soak: " + e.getMessage());
            System.err.println(
                    "usage: Soak [--threads N] [--duration 10m] [--lock plain|builder|checked|untracked|read-biased] "
                            + "[--fair] [--max-timeout-us 2000] [--patient-every 64] [--patient-ms 1000] "
                            + "[--wake-latency-ms 100] [--interrupt-every-us 500] [--idle-us 0] [--chaos] "
                            + "[--fault ISSUE_465] [--seed S] [--stuck-ms 10000] [--grace-ms 2000] [--report-every 10s] "
                            + "[--max-hold-spins 64]");
            System.exit(2);
            return;
        }
        SoakReport report = run(options, System.out);
        System.out.flush();
        // Workers that never finished are daemons; exit explicitly so they cannot hold the JVM.
        System.exit(report.passed() ? 0 : 1);
    }

    static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--fair":
                    o.fair = true;
                    continue;
                case "--chaos":
                    o.chaos = true;
                    continue;
                default:
                    break;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--threads":
                    o.threads = positive(a, Integer.parseInt(v));
                    break;
                case "--duration":
                    o.duration = duration(v);
                    break;
                case "--max-timeout-us":
                    o.maxTimeoutMicros = Long.parseLong(v);
                    break;
                case "--interrupt-every-us":
                    o.interruptEveryMicros = Long.parseLong(v);
                    break;
                case "--fault":
                    o.fault = v;
                    break;
                case "--seed":
                    o.seed = Long.parseLong(v);
                    break;
                case "--stuck-ms":
                    o.stuckMillis = positive(a, Long.parseLong(v));
                    break;
                case "--grace-ms":
                    o.graceMillis = positive(a, Long.parseLong(v));
                    break;
                case "--report-every":
                    o.reportEvery = duration(v);
                    break;
                case "--max-hold-spins":
                    o.maxHoldSpins = positive(a, Integer.parseInt(v));
                    break;
                case "--lock":
                    o.kind = Locks.Kind.parse(v);
                    break;
                case "--patient-every":
                    o.patientEvery = Integer.parseInt(v);
                    break;
                case "--patient-ms":
                    o.patientMillis = positive(a, Long.parseLong(v));
                    break;
                case "--wake-latency-ms":
                    o.wakeLatencyMillis = positive(a, Long.parseLong(v));
                    break;
                case "--idle-us":
                    o.idleMicros = Long.parseLong(v);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + a);
            }
        }
        return o;
    }

    private static int positive(String name, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        return v;
    }

    private static long positive(String name, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        return v;
    }

    /** "500ms", "60s", "10m", "1h", or ISO-8601 ("PT10M"). */
    static Duration duration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            if (s.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            if (s.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            if (s.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            return Duration.parse(v);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad duration " + v + " (use 500ms, 60s, 10m, 1h or PT10M)", e);
        }
    }

    // ================================================================================ the run

    private SoakReport execute() {
        out.println("soak: " + options);
        out.println("soak: lock " + lock);
        Worker[] workers = new Worker[options.threads];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i, new SplittableRandom(options.seed + 0x9E3779B97F4A7C15L * i));
        }
        long start = System.nanoTime();
        endNanos = start + options.duration.toNanos();
        for (Worker w : workers) {
            w.thread.start();
        }
        Thread interrupter = startInterrupter(workers);

        long reportEveryNanos = options.reportEvery.toNanos();
        long nextReport = reportEveryNanos > 0 ? start + reportEveryNanos : Long.MAX_VALUE;
        long stuck = 0;
        while (System.nanoTime() < endNanos) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            stuck += watchdog(workers);
            drainEvents();
            long now = System.nanoTime();
            if (now >= nextReport) {
                progress(workers, now - start);
                nextReport += reportEveryNanos;
            }
        }
        if (interrupter != null) {
            interrupter.interrupt();
        }

        // Let every worker finish its current operation; the longest legal one is a timed wait.
        long joinDeadline = System.nanoTime()
                + Math.max(maxTimeoutNanos, patientNanos)
                + TimeUnit.MILLISECONDS.toNanos(Math.max(options.graceMillis, options.stuckMillis));
        int unfinished = 0;
        for (Worker w : workers) {
            long left = joinDeadline - System.nanoTime();
            while (w.thread.isAlive() && left > 0) {
                stuck += watchdog(workers);
                try {
                    w.thread.join(Math.max(1, Math.min(20, TimeUnit.NANOSECONDS.toMillis(left))));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                left = joinDeadline - System.nanoTime();
            }
            if (w.thread.isAlive()) {
                unfinished++;
                note("unfinished: " + w.thread.getName() + " still in " + w.step + "; " + lock + "\n"
                        + stackOf(w.thread));
            }
        }
        if (interrupter != null) {
            try {
                interrupter.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        drainEvents();

        long ops = 0;
        long acquisitions = 0;
        long timeouts = 0;
        long interrupts = 0;
        long maxWait = 0;
        long corrupted = 0;
        long exclusion = 0;
        long early = 0;
        long lost = 0;
        long unexpected = 0;
        long dropped = 0;
        for (Worker w : workers) {
            Stats s = w.stats; // after join: happens-before; for unfinished workers a racy snapshot
            ops += s.operations;
            acquisitions += s.acquisitions;
            timeouts += s.timeouts;
            interrupts += s.interrupts;
            maxWait = Math.max(maxWait, s.maxWaitNanos);
            corrupted += s.corruptedWords;
            exclusion += s.exclusionErrors;
            early += s.earlyTimeouts;
            lost += s.lostWakeups;
            unexpected += s.unexpected;
            dropped += s.droppedEvents;
        }
        long finalWord = lock.stateWord();
        if (finalWord != 0 && unfinished == 0) {
            note("final word is not 0 although every worker stopped: " + LockState.hex(finalWord) + " "
                    + LockState.describe(finalWord) + " " + LockState.violations(finalWord));
        }
        if (dropped > 0) {
            note(dropped + " events were dropped (event queue full)");
        }
        SoakReport report = new SoakReport(
                seconds,
                ops,
                acquisitions,
                timeouts,
                interrupts,
                maxWait,
                corrupted,
                exclusion,
                early,
                lost,
                unexpected,
                stuck,
                unfinished,
                finalWord,
                List.copyOf(notes));
        out.println(report.summary());
        return report;
    }

    private Thread startInterrupter(Worker[] workers) {
        if (options.interruptEveryMicros <= 0) {
            return null;
        }
        Thread t = new Thread(
                () -> {
                    SplittableRandom random = new SplittableRandom(options.seed ^ 0x5DEECE66DL);
                    long period = TimeUnit.MICROSECONDS.toNanos(options.interruptEveryMicros);
                    while (!Thread.currentThread().isInterrupted() && System.nanoTime() < endNanos) {
                        LockSupport.parkNanos(period);
                        workers[random.nextInt(workers.length)].thread.interrupt();
                    }
                },
                "soak-interrupter");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Reports each worker found past its step's deadline, once per step. Returns how many. */
    private long watchdog(Worker[] workers) {
        long now = System.nanoTime();
        long found = 0;
        for (Worker w : workers) {
            long deadline = w.stepDeadline;
            long seq = w.stepSeq;
            if (deadline != 0 && now - deadline > 0 && w.reportedStuckSeq != seq) {
                w.reportedStuckSeq = seq;
                found++;
                note(String.format(
                        Locale.ROOT,
                        "stuck: %s in %s for %.1f ms (past its deadline); %s%n%s",
                        w.thread.getName(),
                        w.step,
                        (now - w.stepStart) / 1e6,
                        lock,
                        stackOf(w.thread)));
            }
        }
        return found;
    }

    private void progress(Worker[] workers, long elapsedNanos) {
        long ops = 0;
        for (Worker w : workers) {
            ops += w.publishedOps;
        }
        double s = elapsedNanos / 1e9;
        out.printf(
                Locale.ROOT,
                "soak: %6.0f s  %,d ops  %,.0f ops/s  word %s%n",
                s,
                ops,
                ops / s,
                LockState.hex(lock.stateWord()));
    }

    private void drainEvents() {
        String e;
        while ((e = events.poll()) != null) {
            note(e);
        }
    }

    /** Main thread only. */
    private void note(String text) {
        if (notes.size() < MAX_NOTES) {
            notes.add(text);
            out.println("soak: " + text);
        }
    }

    private static String stackOf(Thread t) {
        StringBuilder b = new StringBuilder();
        StackTraceElement[] stack = t.getStackTrace();
        for (int i = 0; i < Math.min(stack.length, 14); i++) {
            b.append("        at ").append(stack[i]).append('\n');
        }
        return b.toString();
    }

    // ================================================================================ workers

    /** Per-thread counters, written only by their worker. */
    static final class Stats {
        long operations;
        long acquisitions;
        long timeouts;
        long interrupts;
        long maxWaitNanos;
        long corruptedWords;
        long exclusionErrors;
        long earlyTimeouts;
        long lostWakeups;
        long unexpected;
        long droppedEvents;
    }

    private enum Hold {
        READ,
        UPGRADABLE,
        WRITE
    }

    private final class Worker implements Runnable {
        final Thread thread;
        final SplittableRandom random;
        final Stats stats = new Stats();
        final Lock readView = lock.readLock();
        final Lock writeView = lock.writeLock();

        /** What the worker is doing now, for the watchdog. stepDeadline 0 = not waiting. */
        volatile String step = "idle";

        volatile long stepStart;
        volatile long stepDeadline;
        volatile long stepSeq;
        /** This thread's shares in the occupancy word. */
        long mine;
        /** Watchdog's (main thread's) own bookkeeping. */
        long reportedStuckSeq = -1;
        /** Operation count published for progress lines every 256 operations. */
        volatile long publishedOps;

        Worker(int index, SplittableRandom random) {
            this.random = random;
            this.thread = new Thread(this, "soak-" + index);
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            while (System.nanoTime() - endNanos < 0) {
                Thread.interrupted(); // a leftover interrupt would make every interruptible call fail at once
                try {
                    operation();
                } catch (RuntimeException | Error e) {
                    stats.unexpected++;
                    event("unexpected " + e + " in " + step + "; " + lock + "\n" + stackOf(e));
                    leave();
                    if (e instanceof Error && !(e instanceof AssertionError)) {
                        throw (Error) e;
                    }
                    if (stats.unexpected > 20) {
                        return; // the lock is broken beyond use; the report says so
                    }
                }
                checkWord();
                if ((++stats.operations & 255) == 0) {
                    publishedOps = stats.operations;
                }
                if (options.idleMicros > 0) {
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(random.nextLong(options.idleMicros + 1)));
                }
            }
            publishedOps = stats.operations;
        }

        /** One operation: enter in a random mode and entry kind, hold, maybe transform, release. */
        private void operation() {
            int pick = random.nextInt(100);
            if (pick < 45) {
                if (enterRead()) {
                    holdRead();
                }
            } else if (pick < 70) {
                if (enterUpgradable()) {
                    holdUpgradable(0);
                }
            } else {
                if (enterWrite()) {
                    holdWrite(0);
                }
            }
        }

        // ---------------------------------------------------------------- entries

        private boolean enterRead() {
            int kind = random.nextInt(8);
            boolean timed = kind == 3 || kind == 4 || kind == 6;
            long timeout = timed ? timeout() : 0;
            long t0 = begin(timed ? "timed read" : "read", timed, timeout);
            boolean ok;
            try {
                switch (kind) {
                    case 0:
                        lock.lockRead();
                        ok = true;
                        break;
                    case 1:
                        lock.lockReadInterruptibly();
                        ok = true;
                        break;
                    case 2:
                        ok = lock.tryLockRead();
                        break;
                    case 3:
                        ok = lock.tryLockRead(timeout, TimeUnit.NANOSECONDS);
                        break;
                    case 4:
                        ok = readView.tryLock(timeout, TimeUnit.NANOSECONDS);
                        break;
                    case 5:
                        readView.lock();
                        ok = true;
                        break;
                    case 6:
                        ok = lock.tryLockReadRecursive(timeout, TimeUnit.NANOSECONDS);
                        break;
                    default:
                        readView.lockInterruptibly();
                        ok = true;
                        break;
                }
            } catch (InterruptedException e) {
                end(t0);
                stats.interrupts++;
                return false;
            }
            waited(t0, ok, timed, timeout);
            if (ok) {
                enter(OCC_READER);
            }
            return ok;
        }

        private boolean enterUpgradable() {
            int kind = random.nextInt(4);
            long timeout = kind == 3 ? timeout() : 0;
            long t0 = begin(kind == 3 ? "timed upgradable" : "upgradable", kind == 3, timeout);
            boolean ok;
            try {
                switch (kind) {
                    case 0:
                        lock.lockUpgradable();
                        ok = true;
                        break;
                    case 1:
                        lock.lockUpgradableInterruptibly();
                        ok = true;
                        break;
                    case 2:
                        ok = lock.tryLockUpgradable();
                        break;
                    default:
                        ok = lock.tryLockUpgradable(timeout, TimeUnit.NANOSECONDS);
                        break;
                }
            } catch (InterruptedException e) {
                end(t0);
                stats.interrupts++;
                return false;
            }
            waited(t0, ok, kind == 3, timeout);
            if (ok) {
                enter(OCC_UPGRADABLE);
            }
            return ok;
        }

        private boolean enterWrite() {
            int kind = random.nextInt(6);
            boolean timed = kind == 3 || kind == 4;
            long timeout = timed ? timeout() : 0;
            long t0 = begin(timed ? "timed write" : "write", timed, timeout);
            boolean ok;
            try {
                switch (kind) {
                    case 0:
                        lock.lockWrite();
                        ok = true;
                        break;
                    case 1:
                        lock.lockWriteInterruptibly();
                        ok = true;
                        break;
                    case 2:
                        ok = lock.tryLockWrite();
                        break;
                    case 3:
                        if (options.sleepThroughPatientWrites && timeout == patientNanos) {
                            TimeUnit.NANOSECONDS.sleep(timeout); // never wakes for a release: a lost wake-up
                            ok = false;
                        } else {
                            ok = lock.tryLockWrite(timeout, TimeUnit.NANOSECONDS);
                        }
                        break;
                    case 4:
                        ok = writeView.tryLock(timeout, TimeUnit.NANOSECONDS);
                        break;
                    default:
                        writeView.lockInterruptibly();
                        ok = true;
                        break;
                }
            } catch (InterruptedException e) {
                end(t0);
                stats.interrupts++;
                return false;
            }
            waited(t0, ok, timed, timeout);
            if (ok) {
                enter(OCC_WRITER);
            }
            return ok;
        }

        // ---------------------------------------------------------------- holding and transforming

        private void holdRead() {
            work();
            if (random.nextInt(8) == 0) {
                // A recursive read while holding one: must not deadlock behind a waiting writer.
                long t0 = begin("recursive read", false, 0);
                lock.lockReadRecursive();
                waited(t0, true, false, 0);
                enter(OCC_READER);
                work();
                exit(OCC_READER);
                lock.unlockRead();
            }
            exit(OCC_READER);
            lock.unlockRead();
        }

        private void holdUpgradable(int depth) {
            work();
            int choice = random.nextInt(depth < 2 ? 6 : 3);
            switch (choice) {
                case 0:
                    exit(OCC_UPGRADABLE);
                    lock.unlockUpgradable();
                    return;
                case 1:
                    exit(OCC_UPGRADABLE);
                    lock.unlockUpgradableFair();
                    return;
                case 2:
                    // U -> R: the count stays, the exclusivity goes.
                    change(OCC_UPGRADABLE, OCC_READER);
                    lock.downgradeUpgradable();
                    holdRead();
                    return;
                case 3: {
                    long t0 = begin("upgrade", false, 0);
                    lock.upgrade();
                    waited(t0, true, false, 0);
                    upgraded();
                    holdWrite(depth + 1);
                    return;
                }
                case 4: {
                    if (lock.tryUpgrade()) {
                        stats.acquisitions++;
                        upgraded();
                        holdWrite(depth + 1);
                    } else {
                        exit(OCC_UPGRADABLE);
                        lock.unlockUpgradable();
                    }
                    return;
                }
                default: {
                    long timeout = timeout();
                    long t0 = begin("timed upgrade", true, timeout);
                    boolean ok;
                    try {
                        ok = lock.tryUpgrade(timeout, TimeUnit.NANOSECONDS);
                        waited(t0, ok, true, timeout);
                    } catch (InterruptedException e) {
                        end(t0);
                        stats.interrupts++;
                        ok = false; // the contract: still upgradable
                    }
                    if (ok) {
                        upgraded();
                        holdWrite(depth + 1);
                    } else {
                        exit(OCC_UPGRADABLE);
                        lock.unlockUpgradable();
                    }
                }
            }
        }

        /** U -> W in the occupancy word: we must be the only holder left. */
        private void upgraded() {
            long prev = change(OCC_UPGRADABLE, OCC_WRITER);
            if ((prev & OCC_HOLDERS) != OCC_UPGRADABLE) {
                exclusionError("upgrade returned while others were inside", prev);
            }
        }

        private void holdWrite(int depth) {
            work();
            int choice = random.nextInt(depth < 2 ? 7 : 5);
            switch (choice) {
                case 0:
                    exit(OCC_WRITER);
                    lock.unlockWrite();
                    return;
                case 1:
                    exit(OCC_WRITER);
                    lock.unlockWriteFair();
                    return;
                case 2:
                    change(OCC_WRITER, OCC_READER);
                    lock.downgrade();
                    holdRead();
                    return;
                case 3:
                    conditionWait();
                    exit(OCC_WRITER);
                    writeView.unlock();
                    return;
                case 4:
                    condition.signalAll();
                    exit(OCC_WRITER);
                    lock.unlockWrite();
                    return;
                default:
                    change(OCC_WRITER, OCC_UPGRADABLE);
                    lock.downgradeToUpgradable();
                    holdUpgradable(depth + 1);
            }
        }

        /** Waits on the write lock's condition for a short time: releases W and takes it back. */
        private void conditionWait() {
            long timeout = timeout();
            exit(OCC_WRITER);
            long t0 = begin("condition wait", true, timeout);
            try {
                condition.awaitNanos(timeout);
            } catch (InterruptedException e) {
                stats.interrupts++; // the contract: the lock is held again when await throws
            }
            end(t0);
            enter(OCC_WRITER);
        }

        private void work() {
            int spins = random.nextInt(options.maxHoldSpins + 1);
            for (int i = 0; i < spins; i++) {
                Thread.onSpinWait();
            }
            if (random.nextInt(64) == 0) {
                Thread.yield();
            }
        }

        /** A timeout for a timed acquisition: short, or once in {@code --patient-every}, patient. */
        private long timeout() {
            if (options.patientEvery > 0 && random.nextInt(options.patientEvery) == 0) {
                return patientNanos;
            }
            return random.nextLong(maxTimeoutNanos + 1);
        }

        // ---------------------------------------------------------------- checks and bookkeeping

        /** Marks the start of a possibly blocking step for the watchdog; returns its start time. */
        private long begin(String name, boolean timed, long timeout) {
            long now = System.nanoTime();
            step = name;
            stepStart = now;
            stepSeq++;
            stepDeadline = now
                    + (timed
                            ? timeout + TimeUnit.MILLISECONDS.toNanos(options.graceMillis)
                            : TimeUnit.MILLISECONDS.toNanos(options.stuckMillis));
            return now;
        }

        private void end(long t0) {
            stepDeadline = 0;
            long waited = System.nanoTime() - t0;
            if (waited > stats.maxWaitNanos) {
                stats.maxWaitNanos = waited;
            }
        }

        /** After an acquisition attempt: count it and check a timeout was not early. */
        private void waited(long t0, boolean acquired, boolean timed, long timeout) {
            long waited = System.nanoTime() - t0;
            end(t0);
            if (acquired) {
                stats.acquisitions++;
            } else if (timed && timeout > 0) {
                stats.timeouts++;
                if (waited < timeout && !options.chaos) {
                    stats.earlyTimeouts++;
                    event(String.format(
                            Locale.ROOT,
                            "early timeout: %s gave up after %d ns of a %d ns timeout",
                            step,
                            waited,
                            timeout));
                }
                if (!options.chaos) {
                    checkLostWakeup(t0, timeout);
                }
            }
        }

        /**
         * After a timed acquisition (or upgrade) gave up: was the lock free, for this thread, since
         * long enough before its deadline that a release must have woken it? "Free" means nobody
         * inside but this thread itself (nothing, or its own upgradable share while it upgrades).
         *
         * <p>The proof: the last exit that left only this thread's share inside recorded the entry
         * count and the time ({@link Mark}); the occupancy word read now has the same entry count and
         * the same holders, so nobody entered since; and the lock's own word agrees that nobody else
         * holds it (a thread that acquired the lock but has not yet counted its entry shows up
         * there). Then the lock has been free since {@code mark.nanos} at the latest. If that is at
         * least {@code --wake-latency-ms} before the deadline, the release at the mark should have
         * woken this thread in time: a lost wake-up. Races between concurrent exits can only make
         * the mark older or newer than the true last one, which can hide a lost wake-up (the entry
         * counts then differ) but never invent one.
         */
        private void checkLostWakeup(long t0, long timeout) {
            Mark mark;
            if (mine == 0) {
                mark = freeMark;
            } else if (mine == OCC_UPGRADABLE) {
                mark = upgradableOnlyMark;
            } else {
                return;
            }
            long occ = occupancy.get();
            if (mark.entries != (occ >>> 48) || (occ & OCC_HOLDERS) != mine) {
                return;
            }
            long word = lock.stateWord();
            boolean othersInWord = mine == 0
                    ? (word & (LockState.WRITER | LockState.UPGRADABLE)) != 0 || LockState.readers(word) != 0
                    : (word & LockState.WRITER) != 0 || LockState.readers(word) != 1;
            if (othersInWord) {
                return;
            }
            long deadline = t0 + timeout;
            long freeBeforeDeadline = deadline - mark.nanos;
            if (freeBeforeDeadline >= wakeLatencyNanos) {
                stats.lostWakeups++;
                event(String.format(
                        Locale.ROOT,
                        "lost wake-up: %s (timeout %.3f ms) gave up although the lock had been "
                                + "free since %.3f ms before its deadline (%.3f ms after it began); %s",
                        step,
                        timeout / 1e6,
                        freeBeforeDeadline / 1e6,
                        (mark.nanos - t0) / 1e6,
                        lock));
            }
        }

        private void enter(long share) {
            mine += share;
            long prev = occupancy.getAndAdd(share + OCC_ENTRY);
            long writers = (prev >>> 32) & OCC_FIELD;
            long upgradables = (prev >>> 16) & OCC_FIELD;
            boolean bad = share == OCC_WRITER
                    ? (prev & OCC_HOLDERS) != 0
                    : share == OCC_UPGRADABLE ? writers != 0 || upgradables != 0 : writers != 0;
            if (bad) {
                exclusionError("entered " + holdName(share), prev);
            }
        }

        private void exit(long share) {
            mine -= share;
            long prev = occupancy.getAndAdd(-share);
            marked(prev - share);
        }

        /** Moves this thread's own share in the occupancy word from {@code from} to {@code to}. */
        private long change(long from, long to) {
            mine += to - from;
            long prev = occupancy.getAndAdd(to - from);
            marked(prev + to - from);
            return prev;
        }

        /** After an exit or change that left {@code occ}: record when the lock became free (or U-only). */
        private void marked(long occ) {
            long holders = occ & OCC_HOLDERS;
            if (holders == 0) {
                freeMark = new Mark(occ >>> 48, System.nanoTime());
            } else if (holders == OCC_UPGRADABLE) {
                upgradableOnlyMark = new Mark(occ >>> 48, System.nanoTime());
            }
        }

        /**
         * After an unexpected exception: take this thread's shares out of the occupancy word so later
         * checks stay meaningful. (If it still holds the lock, the others will be reported stuck.)
         */
        private void leave() {
            stepDeadline = 0;
            long prev = occupancy.getAndAdd(-mine);
            marked(prev - mine);
            mine = 0;
        }

        private void exclusionError(String what, long occ) {
            stats.exclusionErrors++;
            event(String.format(
                    Locale.ROOT,
                    "exclusion: %s %s with readers=%d upgradable=%d writers=%d inside; %s",
                    thread.getName(),
                    what,
                    occ & OCC_FIELD,
                    (occ >>> 16) & OCC_FIELD,
                    (occ >>> 32) & OCC_FIELD,
                    lock));
        }

        private void checkWord() {
            final long word = lock.stateWord();
            if (!LockState.isValid(word)) {
                stats.corruptedWords++;
                if (stats.corruptedWords <= 3) {
                    event("corrupted word " + LockState.hex(word) + " " + LockState.violations(word) + " seen by "
                            + thread.getName());
                }
            }
        }

        private void event(String text) {
            if (!events.offer(text)) {
                stats.droppedEvents++;
            }
        }

        private String holdName(long share) {
            return share == OCC_WRITER ? "write" : share == OCC_UPGRADABLE ? "upgradable" : "read";
        }
    }

    private static String stackOf(Throwable e) {
        StringBuilder b = new StringBuilder();
        StackTraceElement[] stack = e.getStackTrace();
        for (int i = 0; i < Math.min(stack.length, 10); i++) {
            b.append("        at ").append(stack[i]).append('\n');
        }
        return b.toString();
    }
}
