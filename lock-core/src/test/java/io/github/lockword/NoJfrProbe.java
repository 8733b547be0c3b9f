// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Run by {@link DiagnosticsJfrTest} in a JVM started with {@code --limit-modules java.base}: every
 * diagnostic path (contended wait, long hold, corruption, watchdog report) must work with the jdk.jfr
 * module absent. Prints {@code jfrAvailable=...} and, if all went well, {@code OK}.
 */
public final class NoJfrProbe {

    private NoJfrProbe() {}

    public static void main(String[] args) throws Exception {
        System.out.println("jfrAvailable=" + LockDiagnostics.jfrAvailable());
        BlockingQueue<LockReport> reports = new ArrayBlockingQueue<>(16);
        try (LockWatchdog wd = LockWatchdog.builder()
                .period(Duration.ofHours(1))
                .handler(reports::add)
                .start()) {
            RwLock lock = RwLock.builder()
                    .name("no-jfr")
                    .longHoldThreshold(Duration.ZERO)
                    .build();
            wd.register(lock);
            lock.lockWrite();
            Thread waiter = new Thread(
                    () -> {
                        lock.lockRead();
                        lock.unlockRead();
                    },
                    "no-jfr-waiter");
            waiter.setDaemon(true);
            waiter.start();
            while (lock.getQueueLength() == 0) {
                Thread.sleep(1);
            }
            lock.unlockWrite();
            waiter.join(10_000);
            if (waiter.isAlive() || lock.stateWord() != 0) {
                throw new AssertionError("contended wait did not complete: " + lock);
            }
            lock.setStateWordForTesting(0xFFFFFFFFFFFFFFFEL);
            try {
                lock.lockWrite();
                throw new AssertionError("corruption not detected");
            } catch (LockCorruptedException expected) {
                // reported to the watchdog (and, were it present, to JFR)
            }
            LockReport r = reports.poll(10, TimeUnit.SECONDS);
            if (r == null || !r.has(LockReport.Kind.CORRUPTED)) {
                throw new AssertionError("no corruption report: " + r);
            }
            System.out.println(r);
        }
        // The default handler: System.Logger at WARNING (without java.logging, the JDK's console logger on stderr).
        RwLock logged = RwLock.builder().name("logged-by-default").build();
        try (LockWatchdog wd =
                LockWatchdog.builder().period(Duration.ofMillis(10)).start()) {
            wd.register(logged);
            logged.setStateWordForTesting(0xFFFFFFFFFFFFFFFEL);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (wd.reportCount() == 0 && System.nanoTime() - deadline < 0) {
                Thread.sleep(5);
            }
            if (wd.reportCount() == 0 || wd.handlerFailures() != 0) {
                throw new AssertionError("the default handler did not run cleanly: " + wd);
            }
        }
        System.err.flush();
        System.out.println("OK");
    }
}
