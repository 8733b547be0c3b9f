// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Thread-dump and deadlock-detector integration: a thread parked on the lock (MAIN queue, WRITER
 * queue, upgrade) has the {@link RwLock} as its {@code LockSupport} blocker, so
 * {@code ThreadInfo.getLockName()} names {@code io.github.lockword.RwLock} and its owner; the write
 * owner is listed in {@code ThreadInfo.getLockedSynchronizers()}; {@code findDeadlockedThreads()}
 * finds a write-write cycle between two locks; and {@code jcmd Thread.print -l} (what {@code jstack
 * -l} prints) shows "parking to wait for ... (a io.github.lockword.RwLock)" and the owner under
 * "Locked ownable synchronizers".
 *
 * <p>These tests compile inside module {@code io.github.lockword}, which does not read
 * {@code java.management}; the MXBean is therefore reached reflectively through its public
 * interfaces (surefire runs the tests on the class path, where that is allowed).
 */
class RwLockThreadDumpTest extends LockTestSupport {

    private static final String RWLOCK_CLASS = RwLock.class.getName();

    /** {@code java.lang.management} through reflection; see the class comment. */
    static final class Jmx {
        private static final Object BEAN;
        private static final Class<?> THREAD_MX_BEAN;
        private static final Class<?> THREAD_INFO;
        private static final Class<?> LOCK_INFO;

        static {
            try {
                Class<?> factory = Class.forName("java.lang.management.ManagementFactory");
                THREAD_MX_BEAN = Class.forName("java.lang.management.ThreadMXBean");
                THREAD_INFO = Class.forName("java.lang.management.ThreadInfo");
                LOCK_INFO = Class.forName("java.lang.management.LockInfo");
                BEAN = factory.getMethod("getThreadMXBean").invoke(null);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private Jmx() {}

        private static Object call(Class<?> type, Object target, String name, Class<?>[] types, Object... args) {
            try {
                Method m = type.getMethod(name, types);
                return m.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw new AssertionError(name + " failed", e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(name, e);
            }
        }

        private static Object get(Class<?> type, Object target, String name) {
            return call(type, target, name, new Class<?>[0]);
        }

        static boolean synchronizerUsageSupported() {
            return (Boolean) get(THREAD_MX_BEAN, BEAN, "isSynchronizerUsageSupported");
        }

        /** ThreadMXBean.findDeadlockedThreads(), never null. */
        static long[] findDeadlockedThreads() {
            long[] ids = (long[]) get(THREAD_MX_BEAN, BEAN, "findDeadlockedThreads");
            return ids == null ? new long[0] : ids;
        }

        /** ThreadMXBean.getThreadInfo(new long[] {id}, false, true)[0]. */
        static Object threadInfo(Thread t) {
            Object[] infos = (Object[]) call(
                    THREAD_MX_BEAN,
                    BEAN,
                    "getThreadInfo",
                    new Class<?>[] {long[].class, boolean.class, boolean.class},
                    new long[] {t.getId()},
                    false,
                    true);
            return infos[0];
        }

        /** ThreadMXBean.dumpAllThreads(false, true), as ThreadInfo objects. */
        static Object[] dumpAllThreads() {
            return (Object[]) call(
                    THREAD_MX_BEAN, BEAN, "dumpAllThreads", new Class<?>[] {boolean.class, boolean.class}, false, true);
        }

        static String lockName(Object info) {
            return (String) get(THREAD_INFO, info, "getLockName");
        }

        static long lockOwnerId(Object info) {
            return (Long) get(THREAD_INFO, info, "getLockOwnerId");
        }

        static long threadId(Object info) {
            return (Long) get(THREAD_INFO, info, "getThreadId");
        }

        static String threadState(Object info) {
            return String.valueOf(get(THREAD_INFO, info, "getThreadState"));
        }

        /** The lock ThreadInfo says the thread waits for: {class name, identity hash}, or null. */
        static Object[] lockInfo(Object info) {
            Object li = get(THREAD_INFO, info, "getLockInfo");
            return li == null
                    ? null
                    : new Object[] {get(LOCK_INFO, li, "getClassName"), get(LOCK_INFO, li, "getIdentityHashCode")};
        }

        /** ThreadInfo.getLockedSynchronizers() as "class@hexhash" strings. */
        static List<String> lockedSynchronizers(Object info) {
            Object[] sync = (Object[]) get(THREAD_INFO, info, "getLockedSynchronizers");
            List<String> out = new ArrayList<>();
            for (Object li : sync) {
                out.add(get(LOCK_INFO, li, "getClassName") + "@"
                        + Integer.toHexString((Integer) get(LOCK_INFO, li, "getIdentityHashCode")));
            }
            return out;
        }
    }

    private static String lockInfoName(Object lock) {
        return lock.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(lock));
    }

    // ------------------------------------------------------------------------------------ blocker

    @Test
    void threadParkedInTheMainQueueHasTheLockAsBlocker() throws InterruptedException {
        RwLock lock = new RwLock();
        Holder writer = holdWrite(lock);
        Thread reader = newStartedThread("reader", () -> {
            lock.lockRead();
            lock.unlockRead();
        });
        waitForParked(lock, reader);
        assertSame(lock, LockSupport.getBlocker(reader));
        writer.release();
        awaitTermination(reader);
        assertNull(LockSupport.getBlocker(reader));
    }

    @Test
    void writerWaitingForReadersAndUpgraderHaveTheLockAsBlocker() throws InterruptedException {
        RwLock lock = new RwLock();
        lock.lockRead();
        CountDownLatch holdsU = new CountDownLatch(1);
        Thread upgrader = newStartedThread("upgrader", () -> {
            lock.lockUpgradable();
            holdsU.countDown();
            lock.upgrade();
            lock.unlockWrite();
        });
        await(holdsU);
        waitForParked(lock, upgrader);
        assertSame(lock, LockSupport.getBlocker(upgrader));
        assertEquals(RwLock.KEY_WRITER, queueKeyOf(lock, upgrader));
        lock.unlockRead();
        awaitTermination(upgrader);

        lock.lockRead();
        Thread timedWriter = newStartedThread("timed-writer", () -> {
            assertTrue(lock.tryLockWrite(LONG_DELAY_MS, MILLISECONDS));
            lock.unlockWrite();
        });
        waitForParked(lock, timedWriter);
        assertSame(lock, LockSupport.getBlocker(timedWriter));
        assertEquals(Thread.State.TIMED_WAITING, timedWriter.getState());
        lock.unlockRead();
        awaitTermination(timedWriter);
    }

    @Test
    void conditionWaiterHasTheConditionAsBlocker() throws InterruptedException {
        RwLock lock = new RwLock();
        Condition c = lock.writeLock().newCondition();
        Thread waiter = newStartedThread("waiter", () -> {
            lock.lockWrite();
            c.await();
            lock.unlockWrite();
        });
        waitForBlockedOn(c, waiter);
        lock.lockWrite();
        c.signal();
        lock.unlockWrite();
        awaitTermination(waiter);
    }

    // ----------------------------------------------------------------------------------- ThreadInfo

    @Test
    void threadInfoNamesTheRwLockAndItsOwner() throws InterruptedException {
        RwLock lock = new RwLock();
        Holder writer = holdWrite(lock);
        Thread reader = newStartedThread("reader", () -> {
            lock.lockRead();
            lock.unlockRead();
        });
        waitForParked(lock, reader);
        Object info = Jmx.threadInfo(reader);
        assertNotNull(info);
        String lockName = Jmx.lockName(info);
        assertNotNull(lockName, "a thread parked on the lock must report a lock");
        assertTrue(lockName.contains(RWLOCK_CLASS), lockName);
        assertEquals(lockInfoName(lock), lockName);
        assertEquals(Arrays.asList(RWLOCK_CLASS, System.identityHashCode(lock)), Arrays.asList(Jmx.lockInfo(info)));
        assertEquals("WAITING", Jmx.threadState(info));
        assertEquals(writer.thread.getId(), Jmx.lockOwnerId(info), "the write owner is reported as the lock owner");
        writer.release();
        awaitTermination(reader);
    }

    @Test
    void threadInfoOfAWriterWaitingForReadersNamesTheRwLock() throws InterruptedException {
        RwLock lock = new RwLock();
        lock.lockRead();
        Thread writer = newStartedThread("writer", () -> {
            lock.lockWrite();
            lock.unlockWrite();
        });
        waitForParked(lock, writer);
        Object info = Jmx.threadInfo(writer);
        assertEquals(lockInfoName(lock), Jmx.lockName(info));
        assertEquals(-1L, Jmx.lockOwnerId(info), "readers are not owners");
        lock.unlockRead();
        awaitTermination(writer);
    }

    @Test
    void writeOwnerIsListedAmongLockedSynchronizers() throws InterruptedException {
        Assumptions.assumeTrue(Jmx.synchronizerUsageSupported(), "ownable synchronizer usage not supported");
        RwLock lock = new RwLock();
        String name = lockInfoName(lock);

        Holder writer = holdWrite(lock);
        Object info = findThread(Jmx.dumpAllThreads(), writer.thread);
        assertTrue(
                Jmx.lockedSynchronizers(info).contains(name),
                () -> Jmx.lockedSynchronizers(info).toString());
        writer.release();

        lock.lockWrite();
        Object mine = Jmx.threadInfo(Thread.currentThread());
        assertTrue(
                Jmx.lockedSynchronizers(mine).contains(name),
                () -> Jmx.lockedSynchronizers(mine).toString());
        lock.downgrade();
        Object afterDowngrade = Jmx.threadInfo(Thread.currentThread());
        assertFalse(Jmx.lockedSynchronizers(afterDowngrade).contains(name), "a read hold is not an owned synchronizer");
        lock.unlockRead();

        lock.lockUpgradable();
        lock.upgrade();
        Object upgraded = Jmx.threadInfo(Thread.currentThread());
        assertTrue(Jmx.lockedSynchronizers(upgraded).contains(name), "an upgraded lock is owned");
        lock.unlockWrite();
        Object released = Jmx.threadInfo(Thread.currentThread());
        assertFalse(Jmx.lockedSynchronizers(released).contains(name));
    }

    private static Object findThread(Object[] infos, Thread t) {
        for (Object info : infos) {
            if (info != null && Jmx.threadId(info) == t.getId()) {
                return info;
            }
        }
        throw new AssertionError("thread " + t.getName() + " not in the dump");
    }

    // ------------------------------------------------------------------------------------- deadlock

    @Test
    void findDeadlockedThreadsFindsAWriteWriteCycle() throws Exception {
        Assumptions.assumeTrue(Jmx.synchronizerUsageSupported(), "ownable synchronizer usage not supported");
        // Dedicated locks; the cycle is broken afterwards by interrupting the interruptible waits.
        RwLock a = RwLock.builder().name("deadlock-a").build();
        RwLock b = RwLock.builder().name("deadlock-b").build();
        CyclicBarrier bothHold = new CyclicBarrier(2);
        AtomicInteger interrupted = new AtomicInteger();
        Thread t1 = newStartedThread("deadlock-1", () -> {
            a.lockWrite();
            try {
                bothHold.await(LONG_DELAY_MS, MILLISECONDS);
                b.lockWriteInterruptibly();
                b.unlockWrite();
            } catch (InterruptedException expected) {
                interrupted.incrementAndGet();
            } finally {
                a.unlockWrite();
            }
        });
        Thread t2 = newStartedThread("deadlock-2", () -> {
            b.lockWrite();
            try {
                bothHold.await(LONG_DELAY_MS, MILLISECONDS);
                a.lockWriteInterruptibly();
                a.unlockWrite();
            } catch (InterruptedException expected) {
                interrupted.incrementAndGet();
            } finally {
                b.unlockWrite();
            }
        });
        try {
            waitForParked(b, t1);
            waitForParked(a, t2);
            long[][] found = new long[1][];
            waitUntil(
                    "findDeadlockedThreads to report both threads",
                    () -> {
                        found[0] = Jmx.findDeadlockedThreads();
                        long[] ids = found[0];
                        return contains(ids, t1.getId()) && contains(ids, t2.getId());
                    },
                    () -> "found " + Arrays.toString(found[0]) + "; t1=" + t1.getId() + " t2=" + t2.getId());
            Object info1 = Jmx.threadInfo(t1);
            assertEquals(lockInfoName(b), Jmx.lockName(info1));
            assertEquals(t2.getId(), Jmx.lockOwnerId(info1));
        } finally {
            t1.interrupt();
            t2.interrupt();
        }
        awaitTermination(t1);
        awaitTermination(t2);
        assertTrue(interrupted.get() >= 1, "neither thread saw the interrupt");
        assertWord(0, a);
        assertWord(0, b);
    }

    @Test
    void aWaitBehindALiveOwnerIsNotADeadlock() throws InterruptedException {
        Assumptions.assumeTrue(Jmx.synchronizerUsageSupported(), "ownable synchronizer usage not supported");
        RwLock lock = new RwLock();
        Holder writer = holdWrite(lock);
        Thread waiter = newStartedThread("waiter", () -> {
            lock.lockWrite();
            lock.unlockWrite();
        });
        waitForParked(lock, waiter);
        long[] ids = Jmx.findDeadlockedThreads();
        assertFalse(contains(ids, waiter.getId()) || contains(ids, writer.thread.getId()), Arrays.toString(ids));
        writer.release();
        awaitTermination(waiter);
    }

    private static boolean contains(long[] ids, long id) {
        for (long x : ids) {
            if (x == id) {
                return true;
            }
        }
        return false;
    }

    // -------------------------------------------------------------------------------------- jstack

    @Test
    void jstackShowsParkingToWaitForTheRwLockAndTheOwnersLockedSynchronizer() throws Exception {
        File jcmd = new File(System.getProperty("java.home"), "bin/jcmd");
        Assumptions.assumeTrue(jcmd.canExecute(), "no jcmd in " + System.getProperty("java.home"));
        RwLock lock = new RwLock();
        String tag = Long.toHexString(System.nanoTime());
        Holder writer = new Holder("dump-owner-" + tag, lock::lockWrite, lock::unlockWrite);
        Thread waiter = newStartedThread("dump-waiter-" + tag, () -> {
            lock.lockRead();
            lock.unlockRead();
        });
        waitForParked(lock, waiter);

        String dump = threadPrint(jcmd);
        writer.release();
        awaitTermination(waiter);

        String waiterSection = section(dump, waiter.getName());
        assertTrue(waiterSection.contains("parking to wait for"), waiterSection);
        assertTrue(waiterSection.contains("(a " + RWLOCK_CLASS + ")"), waiterSection);
        String ownerSection = section(dump, writer.thread.getName());
        int locked = ownerSection.indexOf("Locked ownable synchronizers:");
        assertTrue(locked >= 0, ownerSection);
        assertTrue(ownerSection.indexOf("(a " + RWLOCK_CLASS + ")", locked) > locked, ownerSection);
    }

    /** Runs {@code jcmd <this pid> Thread.print -l}; skips the test if this JVM cannot be attached to. */
    private static String threadPrint(File jcmd) throws IOException, InterruptedException {
        File out = File.createTempFile("lockword-thread-dump", ".txt");
        try {
            Process p = new ProcessBuilder(
                            jcmd.getPath(),
                            Long.toString(ProcessHandle.current().pid()),
                            "Thread.print",
                            "-l")
                    .redirectErrorStream(true)
                    .redirectOutput(out)
                    .start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("jcmd Thread.print did not finish within 60 s");
            }
            String text = new String(Files.readAllBytes(out.toPath()), StandardCharsets.UTF_8);
            Assumptions.assumeFalse(
                    text.contains("AttachNotSupportedException") || text.contains("Unable to open socket file"),
                    () -> "cannot attach: " + text);
            assertEquals(0, p.exitValue(), text);
            return text;
        } finally {
            Files.deleteIfExists(out.toPath());
        }
    }

    /** The part of a thread dump describing the thread named {@code name}. */
    private static String section(String dump, String name) {
        int start = dump.indexOf("\"" + name + "\"");
        assertTrue(start >= 0, () -> "thread " + name + " not in the dump:\n" + dump);
        int end = dump.indexOf("\n\"", start + 1);
        return end < 0 ? dump.substring(start) : dump.substring(start, end);
    }
}
