// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.faults;

import io.github.lockword.LockCorruptedException;
import io.github.lockword.LockReport;
import io.github.lockword.LockState;
import io.github.lockword.LockWatchdog;
import io.github.lockword.RwLock;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The reproduction demo of parking_lot issue 465: schedule A of DESIGN.md section 4 on the faulty
 * and on the fixed lock, word by word; lock-core's watchdog on both; then an unscripted load on
 * both; then what happened, in plain words. Exits 0 when everything came out as expected, 1 when
 * something did not, 2 when something unexpected was thrown.
 *
 * <p>The load runs in a child JVM started with {@code -Xint} (same JDK, same class or module path):
 * compiled by C2, the faulty give-back's window is a few nanoseconds and the unscripted race on two
 * cores takes anywhere from seconds to minutes; interpreted, it shows up within a second or two.
 * The lock's steps are the same either way, and nothing is injected.
 *
 * <p>Usage: {@code Demo [loadMillis]} (default 3000: how long the load runs on both locks at once; it
 * goes on, up to 20 s, until the faulty lock has corrupted at least once).
 */
public final class Demo {

    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);
    private static final long W = LockState.WRITER;
    private static final long WP = LockState.WRITER_PARKED;
    private static final long R = LockState.ONE_READER;
    private static final long FE = 0xFFFFFFFFFFFFFFFEL;
    private static final long FF = 0xFFFFFFFFFFFFFFFFL;

    private final PrintStream out;
    private final Duration loadTime;
    private final List<String> problems = new ArrayList<>();

    Demo(PrintStream out, Duration loadTime) {
        this.out = out;
        this.loadTime = loadTime;
    }

    /**
     * Runs the demo and exits with its status.
     *
     * @param args optionally the load's duration per lock in milliseconds
     */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals(Load.CHILD_ARG)) {
            try {
                Load.childMain(args);
            } catch (Throwable t) {
                t.printStackTrace();
                System.exit(2);
            }
            System.exit(0);
        }
        int status;
        try {
            Duration load = Duration.ofMillis(args.length > 0 ? Long.parseLong(args[0]) : 3000);
            status = new Demo(System.out, load).run();
        } catch (Throwable t) {
            System.out.flush();
            System.err.println("lockword demo: unexpected failure");
            t.printStackTrace();
            status = 2;
        }
        System.out.flush();
        System.exit(status);
    }

    /** Runs every part; returns 0 if everything came out as expected, else 1. */
    int run() throws InterruptedException {
        long start = System.nanoTime();
        out.println("lockword demo: parking_lot issue 465 brought back on demand, and its fix");
        out.printf(
                "JDK %s, %d CPUs. Words as 0x%%016X; W=WRITER WP=WRITER_PARKED U=UPGRADABLE P=PARKED, r=readers%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors());

        out.println();
        out.println("1. Schedule A on FaultyLocks.create(Fault.ISSUE_465), the steps of parking_lot 0.12.3");
        RwLock faulty = scheduleA(FaultyLocks.builder().faults(Fault.ISSUE_465), true);
        detectedVariant();

        out.println();
        out.println("2. Schedule A on the fixed lock (the production steps, with the same pause point)");
        RwLock fixed = scheduleA(FaultyLocks.builder(), false);

        out.println();
        watchdog(faulty, fixed);

        out.println();
        out.println("4. Unscripted load on both locks side by side, no pause points, no chaos, in a child JVM");
        out.println("   that runs interpreted (-Xint; why: see 5)");
        out.println("   per lock: " + Load.Settings.demo());
        List<Load.Result> lanes = Load.runInChildJvm(loadTime, Duration.ofSeconds(20), List.of("-Xint"));
        Load.Result bad = lanes.get(0);
        Load.Result good = lanes.get(1);
        printLoad(bad, good);

        out.println();
        explain(faulty, bad);

        out.println();
        double secs = (System.nanoTime() - start) / 1e9;
        if (problems.isEmpty()) {
            out.printf(Locale.ROOT, "OK: everything came out as expected (%.1f s).%n", secs);
            return 0;
        }
        out.printf(Locale.ROOT, "NOT AS EXPECTED (%.1f s):%n", secs);
        for (String p : problems) {
            out.println("   - " + p);
        }
        return 1;
    }

    // ------------------------------------------------------------------------------ schedule A

    /**
     * T1 read-locks; T2 calls tryLockWrite(30 ms), parks, times out and is held at H1; T1 unlocks;
     * H1 is released; then T3 tries tryLockWrite(20 ms). Returns the lock.
     */
    private RwLock scheduleA(FaultyLocks.Builder builder, boolean faultyMode) throws InterruptedException {
        try (Schedule schedule = new Schedule()) {
            RwLock lock = builder.schedule(schedule).build();
            Schedule.Gate h1 = schedule.hold(PausePoint.WRITER_TIMED_OUT_BEFORE_RESTORE);

            lock.lockRead(); // this thread is T1
            step("T1 lockRead()", lock, R);

            Actor<Boolean> t2 = Actor.of("T2", () -> lock.tryLockWrite(30, TimeUnit.MILLISECONDS));
            Schedule.Gate t2Parked = schedule.hold(PausePoint.PARKED, t2.thread());
            t2.start();
            t2Parked.awaitArrival(STEP_TIMEOUT);
            step("T2 tryLockWrite(30 ms): claims W, sets WP, parks", lock, W | WP | R);
            t2Parked.release();

            h1.awaitArrival(STEP_TIMEOUT);
            if (faultyMode) {
                step("T2 times out; its timed-out callback does nothing", lock, W | WP | R);
            } else {
                step("T2 times out; its timed-out callback clears WP", lock, W | R);
            }
            out.println("      (T2 is held at pause point H1, before it gives back W)");

            lock.unlockRead();
            if (faultyMode) {
                step("T1 unlockRead(): last reader; its wake clears WP", lock, W);
            } else {
                step("T1 unlockRead(): last reader; no WP, no wake", lock, W);
            }

            h1.release();
            expect("T2's tryLockWrite(30 ms) returns false", Boolean.FALSE.equals(t2.join(STEP_TIMEOUT)));
            if (faultyMode) {
                step("T2 gives back: adds 0 - (W|WP) = -0xA", lock, FE);
                thirdWriterWaitsForever(schedule, lock);
            } else {
                step("T2 gives back: adds 0 - W", lock, 0);
                thirdWriterSucceeds(lock);
            }
            return lock;
        }
    }

    private void thirdWriterWaitsForever(Schedule schedule, RwLock lock) throws InterruptedException {
        Actor<Boolean> t3 = Actor.of("T3", () -> lock.tryLockWrite(20, TimeUnit.MILLISECONDS));
        Schedule.Gate t3Parked = schedule.hold(PausePoint.PARKED, t3.thread());
        t3.start();
        t3Parked.awaitArrival(STEP_TIMEOUT);
        step("T3 tryLockWrite(20 ms) waits: sets P, parks", lock, FF);
        t3Parked.release();
        boolean got = t3.join(STEP_TIMEOUT);
        expect("T3's tryLockWrite(20 ms) fails on a lock nobody holds", !got);
        step("T3 gives up after 20 ms: false; P cleared", lock, FE);
        Thread owner = lock.writeOwner();
        int parked = lock.getQueueLength();
        out.printf(
                "      nobody holds it: write owner %s, threads parked %d, read locks actually held 0%n",
                owner == null ? "none" : owner.getName(), parked);
        expect("the corrupt lock has no write owner", owner == null);
        expect("no thread is parked on the corrupt lock afterwards", parked == 0);
    }

    private void thirdWriterSucceeds(RwLock lock) throws InterruptedException {
        long[] heldWord = new long[1];
        Actor<Boolean> t3 = Actor.of("T3", () -> {
                    if (!lock.tryLockWrite(20, TimeUnit.MILLISECONDS)) {
                        return false;
                    }
                    heldWord[0] = lock.stateWord();
                    lock.unlockWrite();
                    return true;
                })
                .start();
        boolean got = t3.join(STEP_TIMEOUT);
        expect("T3's tryLockWrite(20 ms) succeeds on the fixed lock", got);
        printStep("T3 tryLockWrite(20 ms): true at once", heldWord[0], W);
        step("T3 unlockWrite()", lock, 0);
    }

    /** The faulty steps with lockword's corruption check left on: a clear error instead of a hang. */
    private void detectedVariant() throws InterruptedException {
        try (Schedule schedule = new Schedule()) {
            RwLock lock = FaultyLocks.builder()
                    .faults(Fault.ISSUE_465)
                    .detectCorruption(true)
                    .schedule(schedule)
                    .build();
            Schedule.Gate h1 = schedule.hold(PausePoint.WRITER_TIMED_OUT_BEFORE_RESTORE);
            lock.lockRead();
            Actor<Boolean> t2 = Actor.of("T2", () -> lock.tryLockWrite(30, TimeUnit.MILLISECONDS))
                    .start();
            h1.awaitArrival(STEP_TIMEOUT);
            lock.unlockRead();
            h1.release();
            t2.join(STEP_TIMEOUT);
            Actor<Boolean> t3 = Actor.of("T3", () -> lock.tryLockWrite(20, TimeUnit.MILLISECONDS))
                    .start();
            Throwable thrown = null;
            try {
                t3.join(STEP_TIMEOUT);
            } catch (Actor.Outcome o) {
                thrown = o.getCause();
            }
            out.println("   Same schedule with lockword's corruption check on (detectCorruption(true)):");
            if (thrown instanceof LockCorruptedException) {
                LockCorruptedException e = (LockCorruptedException) thrown;
                out.printf(
                        "   T3 tryLockWrite(20 ms) throws LockCorruptedException at once, word %s:%n",
                        LockState.hex(e.word()));
                for (String v : LockState.violations(e.word())) {
                    out.println("      " + v);
                }
                expect("the detected corruption carries 0xFFFFFFFFFFFFFFFE or ...FF", e.word() == FE || e.word() == FF);
            } else {
                out.println("   T3 did not get LockCorruptedException: " + thrown);
                problems.add("with the check on, T3 should get LockCorruptedException, got " + thrown);
            }
        }
    }

    // ------------------------------------------------------------------------------ watchdog

    /**
     * lock-core's LockWatchdog on the two locks of schedule A while a thread tries to write on each:
     * reports on the faulty lock (corrupted word, waiters with no owner), silence on the fixed one.
     */
    private void watchdog(RwLock faulty, RwLock fixed) throws InterruptedException {
        Duration ownerless = Duration.ofMillis(100);
        out.println("3. lock-core's LockWatchdog (scans every 25 ms, ownerless after " + ownerless.toMillis()
                + " ms) on both locks;");
        out.println("   T4 calls tryLockWrite(400 ms) on each");
        Queue<LockReport> reports = new ConcurrentLinkedQueue<>();
        try (LockWatchdog dog = LockWatchdog.builder()
                .period(Duration.ofMillis(25))
                .ownerlessThreshold(ownerless)
                .holdThreshold(Duration.ofSeconds(10))
                .waitThreshold(Duration.ofSeconds(10))
                .threadName("demo-watchdog")
                .handler(reports::add)
                .start()) {
            dog.register(faulty).register(fixed);
            Actor<Boolean> onFaulty =
                    Actor.of("T4-faulty", () -> lock400(faulty)).start();
            Actor<Boolean> onFixed = Actor.of("T4-fixed", () -> lock400(fixed)).start();
            expect("T4 gets the fixed lock", onFixed.join(STEP_TIMEOUT));
            expect("T4 does not get the faulty lock", !onFaulty.join(STEP_TIMEOUT));
            Thread.sleep(50); // one more scan after both are done
        }
        String faultyName = faulty.getName();
        Set<LockReport.Kind> kinds = EnumSet.noneOf(LockReport.Kind.class);
        int onFixed = 0;
        int n = 0;
        for (LockReport r : reports) {
            if (!faultyName.equals(r.lockName())) {
                onFixed++;
                continue;
            }
            kinds.addAll(r.kinds());
            out.printf("   report %d on the faulty lock, word %s:%n", ++n, LockState.hex(r.word()));
            for (LockReport.Finding f : r.findings()) {
                wrap(f.kind() + ": " + f.detail(), "      ");
            }
            for (LockReport.Waiter w : r.waiters()) {
                out.printf(
                        Locale.ROOT,
                        "      parked: %s, %s in the %s queue for %.0f ms%n",
                        w.thread(),
                        w.mode(),
                        w.queue(),
                        w.waitedNanos() / 1e6);
            }
        }
        out.printf(
                "   faulty lock: %s; fixed lock: %s%n",
                kinds.isEmpty() ? "no report" : "reported " + kinds,
                onFixed == 0 ? "no report" : onFixed + " report(s)");
        expect("the watchdog reports the faulty lock's corrupted word", kinds.contains(LockReport.Kind.CORRUPTED));
        expect(
                "the watchdog reports the faulty lock's waiter with no owner",
                kinds.contains(LockReport.Kind.OWNERLESS));
        expect("the watchdog is silent on the fixed lock", onFixed == 0);
    }

    /** Prints {@code text} in lines of at most 100 characters, each starting with {@code indent}. */
    private void wrap(String text, String indent) {
        StringBuilder line = new StringBuilder(indent);
        for (String word : text.split(" ")) {
            if (line.length() > indent.length() && line.length() + 1 + word.length() > 100) {
                out.println(line);
                line.setLength(0);
                line.append(indent);
            }
            if (line.length() > indent.length()) {
                line.append(' ');
            }
            line.append(word);
        }
        out.println(line);
    }

    private static boolean lock400(RwLock lock) throws InterruptedException {
        if (!lock.tryLockWrite(400, TimeUnit.MILLISECONDS)) {
            return false;
        }
        lock.unlockWrite();
        return true;
    }

    // ------------------------------------------------------------------------------ load

    private void printLoad(Load.Result bad, Load.Result good) {
        String fmt = "   %-22s %6s %9s %10s %12s  %s%n";
        out.printf(fmt, "lock", "time", "ops", "timed out", "corruptions", "first corruption");
        printLoadRow(fmt, "faulty (ISSUE_465)", bad);
        printLoadRow(fmt, "fixed (new RwLock())", good);
        if (!bad.corruptWords.isEmpty()) {
            StringBuilder words = new StringBuilder();
            for (Map.Entry<Long, Integer> e : bad.corruptWords.entrySet()) {
                words.append(words.length() == 0 ? "" : ", ")
                        .append(LockState.hex(e.getKey()))
                        .append(" x")
                        .append(e.getValue());
            }
            out.println("   corrupt words seen on the faulty lock: " + words);
        }
        if (bad.corruptions > 1) {
            out.println("   (after each corruption the load moved on to a fresh faulty lock: a corrupt one is dead)");
        }
        expect("the faulty lock corrupted under load", bad.corruptions > 0);
        expect("the fixed lock never corrupted under load", good.corruptions == 0);
        expect("the fixed lock made progress under load", good.acquired > 0);
        for (Load.Result r : new Load.Result[] {bad, good}) {
            if (r.unexpected != null) {
                problems.add(r.label + " load: " + r.unexpected);
                r.unexpected.printStackTrace(out);
            }
        }
    }

    private void printLoadRow(String fmt, String name, Load.Result r) {
        String firstAt = r.firstCorruptionNanos < 0
                ? "never"
                : String.format(Locale.ROOT, "after %.3f s", r.firstCorruptionNanos / 1e9);
        out.printf(
                Locale.ROOT,
                fmt,
                name,
                String.format(Locale.ROOT, "%.1f s", r.elapsedNanos / 1e9),
                String.format(Locale.ROOT, "%,d", r.ops),
                String.format(Locale.ROOT, "%,d", r.timedOut),
                r.corruptions,
                firstAt);
    }

    // ------------------------------------------------------------------------------ explanation

    private void explain(RwLock faulty, Load.Result bad) {
        long w = faulty.stateWord();
        out.println("5. What happened");
        wrap(
                "The faulty lock ended at " + LockState.hex(w) + ": " + LockState.describe(w) + ". T2's wait for "
                        + "the reader timed out. Before the fix it gave back what it took with one add of 0 - (W|WP) = -0xA, "
                        + "outside the WRITER queue's lock. But WP was not T2's to clear: the last reader's wake had already "
                        + "cleared it, so the word was 0x08, and 0x08 - 0x0A borrowed through all 64 bits.",
                "   ");
        wrap(
                "Now W and U are both set, which no legal state allows (an upgradable reader excludes every "
                        + "writer), and the reader count is 2^60-1. Every acquire sees W or U and waits, yet no thread "
                        + "owns the lock: the W bit belongs to nobody, the 2^60-1 readers do not exist and no write owner "
                        + "is registered, so a cycle-based deadlock detector sees nothing. lockword's watchdog reports it "
                        + "as CORRUPTED and OWNERLESS.",
                "   ");
        if (bad.corruptions > 0) {
            wrap(
                    String.format(
                                    Locale.ROOT,
                                    "Under the unscripted load the same race happened by itself %d time%s "
                                            + "in %.1f s, the first after %.3f s.",
                                    bad.corruptions,
                                    bad.corruptions == 1 ? "" : "s",
                                    bad.elapsedNanos / 1e9,
                                    bad.firstCorruptionNanos / 1e9)
                            + " Why interpreted: once C2 has compiled the lock, the faulty window (from the writer leaving"
                            + " the WRITER queue to its add) is a few nanoseconds, and on 2 cores the race then showed up"
                            + " about once in ten seconds, in bursts (production saw it about hourly); the interpreter"
                            + " stretches the same window to microseconds. The fixed lock has no such window.",
                    "   ");
        }
        wrap(
                "The fix (parking_lot PR #466, and lockword's code): the timed-out callback clears WP under the "
                        + "WRITER queue's bucket lock, where the reader's wake clears it too, and the give-back subtracts "
                        + "only W, which the writer alone owns. The fixed lock ended schedule A at 0 and never corrupted "
                        + "under the same load.",
                "   ");
    }

    // ------------------------------------------------------------------------------ output helpers

    private void step(String what, RwLock lock, long expected) {
        printStep(what, lock.stateWord(), expected);
    }

    private void printStep(String what, long word, long expected) {
        String mark = word == expected ? "" : "   <- expected " + LockState.hex(expected);
        out.printf("   %-52s %s  %s%s%n", what, LockState.hex(word), brief(word), mark);
        if (word != expected) {
            problems.add(what + ": word " + LockState.hex(word) + ", expected " + LockState.hex(expected));
        }
    }

    private void expect(String what, boolean ok) {
        if (!ok) {
            out.println("   <- NOT AS EXPECTED: " + what);
            problems.add(what);
        }
    }

    /** {@code W|WP r=1}, {@code unlocked}, {@code W|WP|U r=2^60-1}. */
    static String brief(long word) {
        if (word == 0) {
            return "unlocked";
        }
        StringBuilder sb = new StringBuilder();
        flag(sb, word, W, "W");
        flag(sb, word, WP, "WP");
        flag(sb, word, LockState.UPGRADABLE, "U");
        flag(sb, word, LockState.PARKED, "P");
        long r = LockState.readers(word);
        if (sb.length() > 0) {
            sb.append(' ');
        }
        return sb.append("r=")
                .append(r == LockState.MAX_READERS ? "2^60-1" : Long.toString(r))
                .toString();
    }

    private static void flag(StringBuilder sb, long word, long bit, String name) {
        if ((word & bit) != 0) {
            sb.append(sb.length() == 0 ? "" : "|").append(name);
        }
    }
}
