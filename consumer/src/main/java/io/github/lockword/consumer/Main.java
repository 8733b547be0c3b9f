// SPDX-License-Identifier: Apache-2.0
package io.github.lockword.consumer;

import io.github.lockword.LockState;
import io.github.lockword.RwLock;
import java.util.concurrent.TimeUnit;

/**
 * Uses lockword the way an application would, with nothing but the lock-core jar that Maven
 * resolved. The one argument says where lock-core must have been loaded from: {@code module} (the
 * module path, as the named module {@code io.github.lockword}) or {@code class} (the class path).
 * Exits with status 1 on the first check that fails.
 */
public final class Main {
    private static int checks;

    private Main() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || !(args[0].equals("module") || args[0].equals("class"))) {
            fail("usage: Main module|class");
        }
        boolean modulePath = args[0].equals("module");
        Module core = RwLock.class.getModule();
        check(core.isNamed() == modulePath, "lock-core loaded as " + core + ", expected the " + args[0] + " path");
        if (modulePath) {
            check(core.getName().equals("io.github.lockword"), "lock-core's module is " + core.getName());
            check(Main.class.getModule().getName().equals("io.github.lockword.consumer"),
                    "consumer's module is " + Main.class.getModule());
        }

        // Two writers and a reader on a built lock.
        RwLock lock = RwLock.builder().name("consumer").build();
        long[] counter = {0};
        int perWriter = 20_000;
        Runnable writer = () -> {
            for (int i = 0; i < perWriter; i++) {
                lock.lockWrite();
                try {
                    counter[0]++;
                } finally {
                    lock.unlockWrite();
                }
            }
        };
        boolean[] readerSawTorn = {false};
        Thread reader = new Thread(() -> {
            for (int i = 0; i < perWriter; i++) {
                lock.lockRead();
                try {
                    long c = counter[0];
                    if (c < 0 || c > 2L * perWriter) {
                        readerSawTorn[0] = true;
                    }
                } finally {
                    lock.unlockRead();
                }
            }
        }, "reader");
        Thread w1 = new Thread(writer, "writer-1");
        Thread w2 = new Thread(writer, "writer-2");
        w1.start();
        w2.start();
        reader.start();
        w1.join();
        w2.join();
        reader.join();
        check(counter[0] == 2L * perWriter, "counter " + counter[0] + " != " + 2L * perWriter);
        check(!readerSawTorn[0], "reader saw a counter out of range");
        check(lock.stateWord() == 0, "word after the threads: " + LockState.describe(lock.stateWord()));

        // A timed write that must time out (this thread holds a read lock), then the word is back
        // to one reader: the path of parking_lot issue 465.
        RwLock plain = new RwLock();
        plain.lockRead();
        boolean got = plain.tryLockWrite(20, TimeUnit.MILLISECONDS);
        check(!got, "tryLockWrite succeeded while this thread held a read lock");
        long afterTimeout = plain.stateWord();
        check(LockState.isValid(afterTimeout) && LockState.readers(afterTimeout) == 1
                        && (afterTimeout & LockState.WRITER) == 0,
                "word after the timed-out write: " + LockState.describe(afterTimeout));
        plain.unlockRead();
        check(plain.stateWord() == 0, "word after unlockRead: " + LockState.describe(plain.stateWord()));

        // Upgradable read, upgrade, downgrade.
        lock.lockUpgradable();
        lock.upgrade();
        check(lock.isWriteLockedByCurrentThread(), "upgrade() did not make this thread the writer");
        lock.downgrade();
        check(lock.getReadLockCount() == 1 && !lock.isWriteLocked(), "after downgrade(): " + lock);
        lock.unlockRead();

        // Misuse fails loudly, names the lock and leaves the word alone.
        long before = lock.stateWord();
        try {
            lock.unlockWrite();
            fail("unlockWrite() without the write lock did not throw");
        } catch (IllegalMonitorStateException expected) {
            check(String.valueOf(expected.getMessage()).contains("consumer"),
                    "the exception does not name the lock: " + expected.getMessage());
        }
        check(lock.stateWord() == before, "misuse changed the word");

        System.out.println("lockword consumer (" + args[0] + " path, lock-core from "
                + (modulePath ? "module " + core.getName() : "the class path") + ", Java "
                + Runtime.version() + "): " + checks + " checks passed; " + lock);
    }

    private static void check(boolean ok, String what) {
        checks++;
        if (!ok) {
            fail(what);
        }
    }

    private static void fail(String what) {
        System.err.println("lockword consumer: FAILED: " + what);
        System.exit(1);
    }
}
