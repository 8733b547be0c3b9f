// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What a lock looked like at one moment: its decoded word, who holds it and for how long, who held it
 * last, and each thread parked on it with its mode and how long it has waited; plus, when a
 * {@link LockWatchdog} made it, the {@linkplain #findings() findings} that made the watchdog report.
 * Immutable; holds no reference to the lock or to any thread. {@link #toString()} is a readable
 * multi-line report.
 *
 * <p>Hold times are exact for locks built with hold tracking or checked mode
 * ({@link RwLock#builder()}); for a plain {@code new RwLock()} the report knows only the current
 * write owner, and a watchdog gives the time since it first saw that owner.
 *
 * <p>Thread states and stacks are racy snapshots: the holder may have moved on by the time its stack
 * was taken.
 */
public final class LockReport {

    /** Why a watchdog reported a lock. */
    public enum Kind {
        /** The word breaks the invariants of {@link LockState}; nobody can acquire the lock. */
        CORRUPTED,
        /**
         * Threads are parked on the lock, no live thread is known to hold it, and nothing changed for
         * longer than the threshold: the waiters wait for nobody (the state of parking_lot issue 465),
         * which a cycle-based deadlock detector cannot see.
         */
        OWNERLESS,
        /** A write or upgradable lock has been held longer than the threshold. */
        LONG_HOLD,
        /** Threads have been parked on the lock longer than the threshold. */
        LONG_WAIT
    }

    /**
     * One reason for a report.
     *
     * @param kind   what was found
     * @param detail the finding in words
     */
    public record Finding(Kind kind, String detail) {
        /** Checks the components. */
        public Finding {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * A thread holding the write or upgradable lock.
     *
     * @param thread    the thread's name
     * @param mode      {@link LockMode#WRITE} or {@link LockMode#UPGRADABLE}
     * @param heldNanos how long it has held the lock; for an untracked lock seen by a watchdog, the
     *                  time since the watchdog first saw this owner; -1 if unknown
     * @param tracked   whether {@code heldNanos} was recorded by the lock itself (hold tracking on)
     * @param state     the thread's state when the report was made
     * @param stack     the thread's stack when the report was made (empty if it has terminated)
     */
    public record Holder(
            String thread,
            LockMode mode,
            long heldNanos,
            boolean tracked,
            Thread.State state,
            List<StackTraceElement> stack) {
        /** Copies the stack. */
        public Holder {
            Objects.requireNonNull(thread, "thread");
            Objects.requireNonNull(mode, "mode");
            stack = List.copyOf(stack);
        }
    }

    /**
     * The thread that last released the write or upgradable lock (hold tracking only).
     *
     * @param thread           the thread's name
     * @param mode             {@link LockMode#WRITE} or {@link LockMode#UPGRADABLE}
     * @param heldNanos        how long that hold lasted
     * @param releasedAgoNanos how long before the report it was released
     */
    public record LastHolder(String thread, LockMode mode, long heldNanos, long releasedAgoNanos) {
        /** Checks the components. */
        public LastHolder {
            Objects.requireNonNull(thread, "thread");
            Objects.requireNonNull(mode, "mode");
        }
    }

    /**
     * A thread parked on the lock.
     *
     * @param thread      the thread's name
     * @param mode        what it waits for: READ, WRITE or UPGRADABLE in the MAIN queue; WRITE or
     *                    UPGRADE (for readers to leave) in the WRITER queue
     * @param queue       {@code "MAIN"} or {@code "WRITER"}
     * @param waitedNanos how long it has been parked this time
     * @param state       the thread's state when the report was made
     */
    public record Waiter(String thread, LockMode mode, String queue, long waitedNanos, Thread.State state) {
        /** Checks the components. */
        public Waiter {
            Objects.requireNonNull(thread, "thread");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(queue, "queue");
        }
    }

    private final Instant time;
    private final String lockName;
    private final String lock;
    private final long word;
    private final long biasedReaders;
    private final List<Finding> findings;
    private final List<Holder> holders;
    private final List<LastHolder> lastHolders;
    private final List<Waiter> waiters;

    private LockReport(
            Instant time,
            String lockName,
            String lock,
            long word,
            long biasedReaders,
            List<Finding> findings,
            List<Holder> holders,
            List<LastHolder> lastHolders,
            List<Waiter> waiters) {
        this.time = time;
        this.lockName = lockName;
        this.lock = lock;
        this.biasedReaders = biasedReaders;
        this.word = word;
        this.findings = List.copyOf(findings);
        this.holders = List.copyOf(holders);
        this.lastHolders = List.copyOf(lastHolders);
        this.waiters = List.copyOf(waiters);
    }

    /**
     * A report of {@code lock} as it is now, with no findings. It briefly takes the parking lot's
     * bucket locks of the lock's queues to list the parked threads; it never touches the lock word.
     */
    public static LockReport of(RwLock lock) {
        return build(lock, lock.stateWord(), Collections.emptyList(), System.nanoTime(), null, 0L);
    }

    /**
     * Builds a report.
     *
     * @param word           the word to report (a watchdog passes the corrupt word a slow path saw)
     * @param seenOwner      for an untracked lock: the write owner the watchdog has been watching, or null
     * @param seenOwnerSince when the watchdog first saw {@code seenOwner}
     */
    static LockReport build(
            RwLock lock, long word, List<Finding> findings, long nowNanos, Thread seenOwner, long seenOwnerSince) {
        InstrumentedRwLock il = lock instanceof InstrumentedRwLock i ? i : null;
        List<Holder> holders = new ArrayList<>(2);
        Thread owner = lock.writeOwner();
        InstrumentedRwLock.Hold wh = il == null ? null : il.writeHold();
        if (wh != null) {
            holders.add(holder(wh.thread, LockMode.WRITE, nowNanos - wh.acquiredNanos, true));
        } else if (owner != null) {
            long held = owner == seenOwner ? nowNanos - seenOwnerSince : -1L;
            holders.add(holder(owner, LockMode.WRITE, held, false));
        }
        InstrumentedRwLock.Hold uh = il == null ? null : il.upgradableHold();
        if (uh != null) {
            holders.add(holder(uh.thread, LockMode.UPGRADABLE, nowNanos - uh.acquiredNanos, true));
        }
        List<LastHolder> last = new ArrayList<>(2);
        if (il != null) {
            addLast(last, il.lastWriteHold(), nowNanos);
            addLast(last, il.lastUpgradableHold(), nowNanos);
        }
        List<Waiter> waiters = new ArrayList<>();
        for (ParkingLot.Parked p : lock.parkedThreads()) {
            waiters.add(new Waiter(
                    p.thread.getName(),
                    waiterMode(p, uh),
                    p.key == RwLock.KEY_WRITER ? "WRITER" : "MAIN",
                    nowNanos - p.parkedAtNanos,
                    p.thread.getState()));
        }
        return new LockReport(
                Instant.now(),
                lock.getName(),
                lock.toString(),
                word,
                lock.biasedReadShares(),
                findings,
                holders,
                last,
                waiters);
    }

    /** The mode a parked thread waits for, from its queue and park token. */
    static LockMode waiterMode(ParkingLot.Parked p, InstrumentedRwLock.Hold upgradable) {
        if (p.key == RwLock.KEY_WRITER) {
            // The thread holding WRITER waits for readers: a writer, or an upgrader still recorded as
            // the upgradable holder.
            return upgradable != null && upgradable.thread == p.thread ? LockMode.UPGRADE : LockMode.WRITE;
        }
        if ((p.parkToken & LockState.WRITER) != 0) {
            return LockMode.WRITE;
        }
        return (p.parkToken & LockState.UPGRADABLE) != 0 ? LockMode.UPGRADABLE : LockMode.READ;
    }

    private static Holder holder(Thread t, LockMode mode, long heldNanos, boolean tracked) {
        return new Holder(t.getName(), mode, heldNanos, tracked, t.getState(), List.of(t.getStackTrace()));
    }

    private static void addLast(List<LastHolder> out, InstrumentedRwLock.Hold h, long nowNanos) {
        if (h != null) {
            out.add(new LastHolder(
                    h.threadName, h.mode, h.releasedNanos - h.acquiredNanos, nowNanos - h.releasedNanos));
        }
    }

    /** When the report was made. */
    public Instant time() {
        return time;
    }

    /** The lock's name, or null for an unnamed lock. */
    public String lockName() {
        return lockName;
    }

    /** The lock's {@code toString()} when the report was made. */
    public String lock() {
        return lock;
    }

    /** The lock word the report is about. */
    public long word() {
        return word;
    }

    /**
     * The read shares a {@linkplain RwLock.Builder#readBiased read-biased} lock had on the global
     * slot table (not in the word) when the report was made; 0 for every other lock.
     */
    public long biasedReaders() {
        return biasedReaders;
    }

    /** The word decoded: hex, signal bits, reader count, and the broken invariants if any. */
    public String decodedWord() {
        return LockState.explain(word);
    }

    /** The invariants the word breaks; empty for a valid word. */
    public List<String> violations() {
        return LockState.violations(word);
    }

    /** Why the lock was reported; empty for a report made by {@link #of(RwLock)}. */
    public List<Finding> findings() {
        return findings;
    }

    /** The kinds of the findings. */
    public Set<Kind> kinds() {
        Set<Kind> out = EnumSet.noneOf(Kind.class);
        for (Finding f : findings) {
            out.add(f.kind());
        }
        return out;
    }

    /** Whether a finding of {@code kind} is among the findings. */
    public boolean has(Kind kind) {
        return kinds().contains(kind);
    }

    /** The write holder and the upgradable holder, as far as they are known. */
    public List<Holder> holders() {
        return holders;
    }

    /** The last write and upgradable holders (hold tracking only). */
    public List<LastHolder> lastHolders() {
        return lastHolders;
    }

    /** The threads parked on the lock, MAIN queue first. */
    public List<Waiter> waiters() {
        return waiters;
    }

    /** Maximum stack frames of a holder that {@link #toString()} prints. */
    private static final int MAX_FRAMES = 24;

    /**
     * The report in lines, e.g.
     * <pre>
     * lockword report on RwLock(orders)@1b6d3586 at 2025-11-23T10:40:01Z: OWNERLESS, LONG_WAIT
     *   lock      RwLock(orders)@1b6d3586[WRITER|PARKED, readers=0, owner=worker-1]
     *   word      0x0000000000000009 [WRITER|PARKED, readers=0]
     *   OWNERLESS 1 thread parked for 212.0 ms and nobody alive holds the lock ...
     *   ...
     * </pre>
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(512);
        String id = lock.indexOf('[') > 0 ? lock.substring(0, lock.indexOf('[')) : lock;
        sb.append("lockword report on ").append(id).append(" at ").append(time);
        if (!findings.isEmpty()) {
            sb.append(": ");
            int i = 0;
            for (Kind k : kinds()) {
                sb.append(i++ == 0 ? "" : ", ").append(k);
            }
        }
        sb.append('\n');
        line(sb, "lock", lock);
        line(sb, "word", decodedWord());
        for (Finding f : findings) {
            line(sb, f.kind().name(), f.detail());
        }
        if (holders.isEmpty()) {
            line(
                    sb,
                    "holders",
                    "none known"
                            + (LockState.readers(word) > 0 && LockState.isValid(word)
                                    ? " (read holders are not tracked; the word counts " + LockState.readers(word) + ")"
                                    : ""));
        }
        if (biasedReaders > 0) {
            line(sb, "biased", biasedReaders + " read share(s) on the read-bias slots, not in the word");
        }
        for (Holder h : holders) {
            String held = h.heldNanos() < 0
                    ? "for an unknown time"
                    : (h.tracked() ? "for " : "for at least ")
                            + ms(h.heldNanos())
                            + (h.tracked() ? "" : " (since the watchdog first saw it)");
            line(sb, "holder", "\"" + h.thread() + "\" " + h.mode() + " " + held + ", " + h.state());
        }
        for (LastHolder h : lastHolders) {
            line(
                    sb,
                    "last",
                    "\"" + h.thread() + "\" " + h.mode() + ", held " + ms(h.heldNanos()) + ", released "
                            + ms(h.releasedAgoNanos()) + " ago");
        }
        line(sb, "parked", waiters.isEmpty() ? "none" : waiters.size() == 1 ? "1 thread" : waiters.size() + " threads");
        for (Waiter w : waiters) {
            sb.append("    \"")
                    .append(w.thread())
                    .append("\" ")
                    .append(w.mode())
                    .append(" in ")
                    .append(w.queue())
                    .append(" queue for ")
                    .append(ms(w.waitedNanos()))
                    .append(", ")
                    .append(w.state())
                    .append('\n');
        }
        for (Holder h : holders) {
            sb.append("  stack of holder \"")
                    .append(h.thread())
                    .append("\" (")
                    .append(h.mode())
                    .append("):\n");
            List<StackTraceElement> st = h.stack();
            if (st.isEmpty()) {
                sb.append("        (no stack: ")
                        .append(h.state() == Thread.State.TERMINATED ? "terminated" : "unavailable")
                        .append(")\n");
            }
            for (int i = 0; i < st.size() && i < MAX_FRAMES; i++) {
                sb.append("        at ").append(st.get(i)).append('\n');
            }
            if (st.size() > MAX_FRAMES) {
                sb.append("        ... ").append(st.size() - MAX_FRAMES).append(" more\n");
            }
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String label, String text) {
        sb.append("  ").append(label);
        for (int i = label.length(); i < 10; i++) {
            sb.append(' ');
        }
        sb.append(' ').append(text).append('\n');
    }

    /** {@code nanos} as milliseconds with one decimal, e.g. {@code "212.3 ms"}. */
    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
}
