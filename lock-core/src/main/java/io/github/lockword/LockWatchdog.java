// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Watches registered {@link RwLock}s from its own daemon thread and reports what a cycle-based
 * deadlock detector cannot see. Each period it scans every registered lock and hands a
 * {@link LockReport} to the handler (by default a {@link System.Logger} at {@code WARNING}) when it
 * finds:
 * <ol>
 *   <li><b>a corrupted word</b> ({@link LockState#isValid} false); also reported at once, without
 *       waiting for the next scan, when a lock operation finds the corruption;</li>
 *   <li><b>an ownerless lock</b>: threads are parked on it, no live thread is known to hold it, and
 *       the word has not changed (apart from {@code PARKED}) for longer than the ownerless threshold;
 *       see below;</li>
 *   <li><b>a long hold</b>: the write or upgradable lock held longer than the hold threshold;</li>
 *   <li><b>a long wait</b>: a thread parked on the lock longer than the wait threshold.</li>
 * </ol>
 * Each condition is reported once per episode: a corrupted word once until the word is valid again,
 * an ownerless state once until it changes, a hold once per hold, a parked thread once per park.
 * Several findings of one scan share one report.
 *
 * <p><b>Who holds a lock.</b> A live write owner (the thread {@link RwLock#writeOwner()} names, when
 * the word shows WRITER with no readers); on locks built with hold tracking or checked mode, a live
 * upgradable holder; and, since read holders are not tracked by thread, any reader share the word
 * counts, as long as the count is plausible (at most {@code Integer.MAX_VALUE}; the saturated count of
 * the issue-465 word {@code 0xFFFFFFFFFFFFFFFF} is not). A lock is <em>ownerless</em> when threads are
 * parked and none of these exists: e.g. the word shows only {@code PARKED} (a lost wake-up), a
 * writer waits for readers that are gone, or the write owner terminated without unlocking. A reader
 * that leaked its share keeps a lock from looking ownerless; the parked threads are then reported
 * as long waits.
 *
 * <p><b>Hold times.</b> Exact for locks built with hold tracking (the default of
 * {@link RwLock#builder()}). For a plain {@code new RwLock()} the watchdog measures from the first
 * scan that saw the current write owner, so a thread that re-acquires between scans looks like one
 * long hold; upgradable holds of such locks are not visible. A long wait is one continuous park: a
 * thread that is woken and parks again starts over.
 *
 * <p><b>Weak registration.</b> Registering a lock never keeps it alive: a lock that becomes
 * unreachable leaves the watchdog silently.
 *
 * <p><b>The handler</b> runs on the watchdog's thread; it is where a service marks itself unhealthy.
 * Exceptions it throws are caught and counted ({@link #handlerFailures()}) and never stop the
 * watchdog. A slow handler delays the next scan, never a lock operation. The watchdog takes no lock
 * it watches; to list parked threads it briefly takes the parking lot's bucket locks.
 *
 * <p>Sample usage:
 * <pre> {@code
 * LockWatchdog watchdog = LockWatchdog.builder()
 *     .period(Duration.ofSeconds(1))
 *     .threshold(Duration.ofSeconds(5))
 *     .handler(report -> health.markUnhealthy(report.toString()))
 *     .start();
 * watchdog.register(ordersLock);
 * ...
 * watchdog.close();
 * }</pre>
 */
public final class LockWatchdog implements AutoCloseable {

    /*
     * Implementation notes:
     *
     * Threads. Only the watchdog's own (platform, daemon) thread scans, builds reports, calls the
     * handler and touches a Track; register/unregister only add and remove map entries under the map's
     * monitor, which the watchdog holds just long enough to copy the entries. A lock operation that
     * finds corruption reaches the watchdog through Diagnostics.corrupted -> corruptionFound: a
     * lock-free queue offer and an unpark, nothing that can block or park the caller.
     *
     * Reading a lock. The word (one volatile read), the AOS owner, the instrumented lock's Hold
     * records and the parking lot's snapshot are read separately, so they may disagree for an
     * instant; every finding but corruption therefore needs its condition to hold across scans for
     * longer than a threshold, and the ownerless one needs the word (PARKED aside) not to change.
     */

    private static final System.Logger LOG = System.getLogger(LockWatchdog.class.getName());

    /** The default handler: the report's text to {@link System.Logger} at WARNING. */
    private static final Consumer<LockReport> LOG_HANDLER = LockWatchdog::logReport;

    private static void logReport(LockReport r) {
        LOG.log(System.Logger.Level.WARNING, r.toString());
    }

    private final long periodNanos;
    /** System::nanoTime, or a shifted clock in tests: its origin is arbitrary and may be negative. */
    private final LongSupplier clock;

    private final long ownerlessNanos;
    private final long holdNanos;
    private final long waitNanos;
    private final Consumer<? super LockReport> handler;

    /** Registered locks, weakly; guarded by itself. Values never reference their lock. */
    private final Map<RwLock, Track> locks = new WeakHashMap<>();

    /** Corruption found by lock operations, for the watchdog thread to report. */
    private final ConcurrentLinkedQueue<Notice> notices = new ConcurrentLinkedQueue<>();

    private final LongAdder handlerFailures = new LongAdder();
    private final LongAdder reports = new LongAdder();
    private final Thread thread;
    private volatile boolean closed;

    private LockWatchdog(Builder b) {
        this.periodNanos = b.period.toNanos();
        this.clock = b.clock;
        this.ownerlessNanos = b.ownerless.toNanos();
        this.holdNanos = b.hold.toNanos();
        this.waitNanos = b.wait.toNanos();
        this.handler = b.handler;
        this.thread = new Thread(this::run, b.threadName);
        this.thread.setDaemon(true);
    }

    /** A builder with a period of 1 s and thresholds of 5 s. */
    public static Builder builder() {
        return new Builder();
    }

    /** Settings of a watchdog. Not thread-safe. */
    public static final class Builder {
        private Duration period = Duration.ofSeconds(1);
        private Duration ownerless = Duration.ofSeconds(5);
        private Duration hold = Duration.ofSeconds(5);
        private Duration wait = Duration.ofSeconds(5);
        private Consumer<? super LockReport> handler = LOG_HANDLER;
        private String threadName = "lockword-watchdog";
        private LongSupplier clock = System::nanoTime;

        private Builder() {}

        /** Tests only: the watchdog's nanoTime source (e.g. System.nanoTime shifted to negative values). */
        Builder clock(LongSupplier nanoClock) {
            this.clock = Objects.requireNonNull(nanoClock, "nanoClock");
            return this;
        }

        /** How often the registered locks are scanned (default 1 s). */
        public Builder period(Duration period) {
            this.period = positive(period, "period");
            return this;
        }

        /** Sets the ownerless, hold and wait thresholds together (default 5 s each). */
        public Builder threshold(Duration threshold) {
            Duration t = nonNegative(threshold, "threshold");
            this.ownerless = t;
            this.hold = t;
            this.wait = t;
            return this;
        }

        /** How long a lock must stay ownerless with parked threads before it is reported. */
        public Builder ownerlessThreshold(Duration threshold) {
            this.ownerless = nonNegative(threshold, "ownerless threshold");
            return this;
        }

        /** How long a write or upgradable hold may last before it is reported. */
        public Builder holdThreshold(Duration threshold) {
            this.hold = nonNegative(threshold, "hold threshold");
            return this;
        }

        /** How long a thread may stay parked before it is reported. */
        public Builder waitThreshold(Duration threshold) {
            this.wait = nonNegative(threshold, "wait threshold");
            return this;
        }

        /**
         * Receives the reports, on the watchdog's thread (default: {@link System.Logger} named
         * {@code io.github.lockword.LockWatchdog} at WARNING). Its exceptions are caught and counted.
         */
        public Builder handler(Consumer<? super LockReport> handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** The name of the watchdog's thread (default {@code lockword-watchdog}). */
        public Builder threadName(String name) {
            this.threadName = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Starts a watchdog with these settings and no locks. */
        public LockWatchdog start() {
            LockWatchdog w = new LockWatchdog(this);
            Diagnostics.addWatchdog(w);
            w.thread.start();
            return w;
        }

        private static Duration positive(Duration d, String what) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + d);
            }
            return d;
        }

        private static Duration nonNegative(Duration d, String what) {
            if (d.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative: " + d);
            }
            return d;
        }
    }

    /**
     * Watches {@code lock} from the next scan on; registering it again changes nothing. The lock is held
     * weakly.
     *
     * @return this watchdog
     * @throws IllegalStateException if the watchdog was closed
     */
    public LockWatchdog register(RwLock lock) {
        Objects.requireNonNull(lock, "lock");
        if (closed) {
            throw new IllegalStateException("the watchdog is closed");
        }
        synchronized (locks) {
            locks.putIfAbsent(lock, new Track());
        }
        return this;
    }

    /** Stops watching {@code lock}. */
    public void unregister(RwLock lock) {
        synchronized (locks) {
            locks.remove(lock);
        }
    }

    /** How many handler calls have thrown. */
    public long handlerFailures() {
        return handlerFailures.sum();
    }

    /** How many reports have been handed to the handler. */
    public long reportCount() {
        return reports.sum();
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Stops the watchdog's thread (waiting up to one second for a handler call in progress) and
     * forgets every lock. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        Diagnostics.removeWatchdog(this);
        LockSupport.unpark(thread);
        if (Thread.currentThread() != thread && thread.isAlive()) {
            try {
                thread.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (locks) {
            locks.clear();
        }
    }

    @Override
    public String toString() {
        int n;
        synchronized (locks) {
            n = locks.size();
        }
        return "LockWatchdog[" + thread.getName() + ", " + n + " locks, period " + LockReport.ms(periodNanos)
                + (closed ? ", closed" : "") + "]";
    }

    // =================================================================================== notices

    /** A corrupt word found by a lock operation (see {@link Diagnostics#corrupted}). */
    private static final class Notice {
        final RwLock lock;
        final long word;

        Notice(RwLock lock, long word) {
            this.lock = lock;
            this.word = word;
        }
    }

    /**
     * Called by the thread that found {@code lock}'s word corrupt. Lock-free and non-blocking: queues
     * the notice and wakes the watchdog, which reports it if the lock is registered.
     */
    void corruptionFound(RwLock lock, long word) {
        if (!closed) {
            notices.add(new Notice(lock, word));
            LockSupport.unpark(thread);
        }
    }

    // =================================================================================== scanning

    /** What the watchdog remembers of one lock between scans. Never references the lock. */
    private static final class Track {
        boolean corruptReported;
        /** Whether an ownerless episode is being timed (nanoTime has no spare value for "none"). */
        boolean ownerless;
        /** When the current ownerless episode began (nanoTime); meaningful only while {@link #ownerless}. */
        long ownerlessSince;

        long ownerlessWord;
        boolean ownerlessReported;
        /** Untracked locks: the write owner seen by consecutive scans, and since when. */
        Thread seenOwner;

        long seenOwnerSince;
        /** The hold already reported: a tracked Hold, or the seen owner of an untracked lock. */
        Object reportedWriteHold;

        Object reportedUpgradableHold;
        /** Parks already reported as long waits. */
        Set<ParkKey> reportedParks = new HashSet<>();
    }

    /** One park of one thread. */
    private static final class ParkKey {
        final Thread thread;
        final long parkedAtNanos;

        ParkKey(ParkingLot.Parked p) {
            this.thread = p.thread;
            this.parkedAtNanos = p.parkedAtNanos;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ParkKey k && k.thread == thread && k.parkedAtNanos == parkedAtNanos;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(thread) * 31 + Long.hashCode(parkedAtNanos);
        }
    }

    private void run() {
        long nextScan = clock.getAsLong() + periodNanos;
        while (!closed) {
            Notice n;
            while ((n = notices.poll()) != null && !closed) {
                try {
                    onNotice(n);
                } catch (RuntimeException | LinkageError x) {
                    LOG.log(
                            System.Logger.Level.ERROR,
                            "lockword watchdog: reporting corruption of " + n.lock + " failed",
                            x);
                }
            }
            long now = clock.getAsLong();
            if (now - nextScan >= 0) {
                scanAll();
                nextScan = clock.getAsLong() + periodNanos;
            } else {
                LockSupport.parkNanos(this, nextScan - now);
            }
        }
        notices.clear();
    }

    private void onNotice(Notice n) {
        Track t;
        synchronized (locks) {
            t = locks.get(n.lock);
        }
        if (t == null || t.corruptReported) {
            return;
        }
        t.corruptReported = true;
        List<LockReport.Finding> f = new ArrayList<>(1);
        f.add(corruptFinding(n.word, "a lock operation found it"));
        deliver(n.lock, n.word, f, clock.getAsLong(), t);
    }

    private void scanAll() {
        List<Map.Entry<RwLock, Track>> snapshot;
        synchronized (locks) {
            snapshot = new ArrayList<>(locks.entrySet());
        }
        for (Map.Entry<RwLock, Track> e : snapshot) {
            if (closed) {
                return;
            }
            RwLock lock = e.getKey();
            if (lock == null) {
                continue; // collected while we copied
            }
            try {
                scan(lock, e.getValue());
            } catch (RuntimeException | LinkageError x) {
                LOG.log(System.Logger.Level.ERROR, "lockword watchdog: scanning " + lock + " failed", x);
            }
        }
    }

    private void scan(RwLock lock, Track t) {
        final long now = clock.getAsLong();
        final long s = lock.stateWord();
        final boolean valid = LockState.isValid(s);
        List<LockReport.Finding> findings = new ArrayList<>(2);

        // 1. Corruption.
        if (!valid) {
            if (!t.corruptReported) {
                t.corruptReported = true;
                findings.add(corruptFinding(s, "found by the watchdog's scan"));
            }
        } else {
            t.corruptReported = false;
        }

        InstrumentedRwLock il = lock instanceof InstrumentedRwLock i ? i : null;
        Thread owner = lock.writeOwner();
        InstrumentedRwLock.Hold wh = il == null ? null : il.writeHold();
        InstrumentedRwLock.Hold uh = il == null ? null : il.upgradableHold();
        List<ParkingLot.Parked> parked = lock.parkedThreads();

        // The untracked owner's first sighting (also used for the report's hold time).
        boolean ownerInWord = owner != null && (s & LockState.WRITER) != 0;
        if (!ownerInWord) {
            t.seenOwner = null;
        } else if (t.seenOwner != owner) {
            t.seenOwner = owner;
            t.seenOwnerSince = now;
        }

        // 2. Ownerless: parked threads, nobody alive known to hold, nothing changing.
        boolean writerHolds = ownerInWord && LockState.readers(s) == 0 && owner.isAlive();
        boolean upgradableHolds = uh != null && (s & LockState.UPGRADABLE) != 0 && uh.thread.isAlive();
        long unknownReaders = LockState.readers(s) - ((s & LockState.UPGRADABLE) != 0 && uh != null ? 1 : 0);
        boolean readersMayHold =
                valid && ((unknownReaders > 0 && unknownReaders <= Integer.MAX_VALUE) || lock.biasedReadShares() > 0);
        if (!parked.isEmpty() && !writerHolds && !upgradableHolds && !readersMayHold) {
            long masked = s & ~LockState.PARKED;
            if (!t.ownerless || t.ownerlessWord != masked) {
                t.ownerless = true;
                t.ownerlessSince = now;
                t.ownerlessWord = masked;
                t.ownerlessReported = false;
            } else if (!t.ownerlessReported && now - t.ownerlessSince >= ownerlessNanos) {
                t.ownerlessReported = true;
                findings.add(new LockReport.Finding(
                        LockReport.Kind.OWNERLESS, ownerlessDetail(s, parked, owner, uh, now - t.ownerlessSince, now)));
            }
        } else {
            t.ownerless = false;
            t.ownerlessReported = false;
        }

        // 3. Long holds.
        if (wh != null) {
            if (now - wh.acquiredNanos >= holdNanos && t.reportedWriteHold != wh) {
                t.reportedWriteHold = wh;
                findings.add(holdFinding(wh.threadName, LockMode.WRITE, now - wh.acquiredNanos, true));
            }
        } else if (ownerInWord && il == null) {
            if (now - t.seenOwnerSince >= holdNanos && t.reportedWriteHold != owner) {
                t.reportedWriteHold = owner;
                findings.add(holdFinding(owner.getName(), LockMode.WRITE, now - t.seenOwnerSince, false));
            }
        } else if (!ownerInWord) {
            t.reportedWriteHold = null;
        }
        if (uh != null && now - uh.acquiredNanos >= holdNanos && t.reportedUpgradableHold != uh) {
            t.reportedUpgradableHold = uh;
            findings.add(holdFinding(uh.threadName, LockMode.UPGRADABLE, now - uh.acquiredNanos, true));
        }

        // 4. Long waits.
        Set<ParkKey> current = new HashSet<>();
        StringBuilder longWaits = null;
        int longCount = 0;
        for (ParkingLot.Parked p : parked) {
            ParkKey k = new ParkKey(p);
            current.add(k);
            long waited = now - p.parkedAtNanos;
            if (waited >= waitNanos && !t.reportedParks.contains(k)) {
                t.reportedParks.add(k);
                longWaits = longWaits == null ? new StringBuilder() : longWaits.append(", ");
                longWaits
                        .append('"')
                        .append(p.thread.getName())
                        .append("\" (")
                        .append(LockReport.waiterMode(p, uh))
                        .append(", ")
                        .append(LockReport.ms(waited))
                        .append(')');
                longCount++;
            }
        }
        t.reportedParks.retainAll(current);
        if (longWaits != null) {
            findings.add(new LockReport.Finding(
                    LockReport.Kind.LONG_WAIT,
                    (longCount == 1 ? "1 thread" : longCount + " threads") + " parked longer than "
                            + LockReport.ms(waitNanos) + ": " + longWaits));
        }

        if (!findings.isEmpty()) {
            deliver(lock, s, findings, now, t);
        }
    }

    private static LockReport.Finding corruptFinding(long word, String how) {
        return new LockReport.Finding(
                LockReport.Kind.CORRUPTED,
                "the word breaks the layout's invariants (" + how + "): "
                        + String.join("; ", LockState.violations(word)) + "; no thread can acquire the lock");
    }

    private LockReport.Finding holdFinding(String thread, LockMode mode, long held, boolean tracked) {
        return new LockReport.Finding(
                LockReport.Kind.LONG_HOLD,
                "\"" + thread + "\" has held the " + mode + " lock for "
                        + (tracked ? "" : "at least ") + LockReport.ms(held) + " (threshold " + LockReport.ms(holdNanos)
                        + ")"
                        + (tracked ? "" : "; measured from the watchdog's first sighting"));
    }

    private static String ownerlessDetail(
            long s,
            List<ParkingLot.Parked> parked,
            Thread owner,
            InstrumentedRwLock.Hold uh,
            long unchangedNanos,
            long now) {
        long longest = 0;
        for (ParkingLot.Parked p : parked) {
            longest = Math.max(longest, now - p.parkedAtNanos);
        }
        StringBuilder sb = new StringBuilder(160);
        sb.append(parked.size() == 1 ? "1 thread is" : parked.size() + " threads are")
                .append(" parked (longest ")
                .append(LockReport.ms(longest))
                .append(") and no live thread holds the lock; the word has not changed")
                .append(" for ")
                .append(LockReport.ms(unchangedNanos))
                .append(". ");
        if (owner != null && !owner.isAlive() && (s & LockState.WRITER) != 0) {
            sb.append("The write owner \"").append(owner.getName()).append("\" terminated without unlocking. ");
        } else if (uh != null && !uh.thread.isAlive()) {
            sb.append("The upgradable holder \"").append(uh.threadName).append("\" terminated without unlocking. ");
        } else if (!LockState.isValid(s)) {
            sb.append("The word is corrupt: its bits claim holders that do not exist. ");
        } else if ((s & LockState.WRITER) != 0 && LockState.readers(s) == 0 && owner == null) {
            sb.append("WRITER is set with no readers and no write owner: a writer waiting for readers was never "
                    + "woken, or WRITER was left behind. ");
        } else if ((s & (LockState.WRITER | LockState.READERS_MASK)) == 0) {
            sb.append("The word shows no holder at all: the parked threads missed their wake-up. ");
        }
        sb.append("The waiters wait for nobody; a cycle-based deadlock detector cannot see this.");
        return sb.toString();
    }

    private void deliver(RwLock lock, long word, List<LockReport.Finding> findings, long now, Track t) {
        LockReport report = LockReport.build(lock, word, findings, now, t.seenOwner, t.seenOwnerSince);
        reports.increment();
        Diagnostics.watchdogFindings(lock, word, findings);
        try {
            handler.accept(report);
        } catch (Throwable x) {
            handlerFailures.increment();
        }
    }
}
