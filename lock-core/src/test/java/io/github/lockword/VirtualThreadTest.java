// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Virtual threads (JDK 21+; skipped on older JDKs, and reached through method handles because the
 * project compiles with {@code --release 17}). Many virtual threads block on the lock in every
 * mode and all complete; and a parked virtual thread does not pin its carrier: far more virtual
 * threads than carriers are parked on the lock at the same time (a pinned park would hold a carrier
 * each, so at most {@code parallelism} of them could ever be parked) while yet another virtual
 * thread still gets a carrier and runs to completion.
 */
class VirtualThreadTest extends LockTestSupport {

    private static final MethodHandle OF_VIRTUAL; // Thread.ofVirtual()
    private static final MethodHandle UNSTARTED; // Thread.Builder.unstarted(Runnable)
    private static final MethodHandle IS_VIRTUAL; // Thread.isVirtual()

    static {
        MethodHandle ofVirtual = null;
        MethodHandle unstarted = null;
        MethodHandle isVirtual = null;
        if (Runtime.version().feature() >= 21) {
            try {
                MethodHandles.Lookup l = MethodHandles.publicLookup();
                Class<?> builder = Class.forName("java.lang.Thread$Builder");
                Class<?> ofVirtualType = Class.forName("java.lang.Thread$Builder$OfVirtual");
                ofVirtual = l.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtualType));
                unstarted = l.findVirtual(builder, "unstarted", MethodType.methodType(Thread.class, Runnable.class));
                isVirtual = l.findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
        OF_VIRTUAL = ofVirtual;
        UNSTARTED = unstarted;
        IS_VIRTUAL = isVirtual;
    }

    @BeforeEach
    void requireVirtualThreads() {
        Assumptions.assumeTrue(OF_VIRTUAL != null, "virtual threads need JDK 21+, running on " + Runtime.version());
    }

    /** Starts a virtual thread running {@code body}; its failures fail the test. */
    private Thread startVirtual(String name, ThreadBody body) {
        try {
            Object builder = OF_VIRTUAL.invoke();
            Thread t = (Thread) UNSTARTED.invoke(builder, checked(body));
            t.setName(name);
            assertTrue((boolean) IS_VIRTUAL.invoke(t));
            return track(t, true);
        } catch (Throwable e) {
            throw new AssertionError("cannot start a virtual thread", e);
        }
    }

    /** The number of carrier threads of the default virtual-thread scheduler. */
    private static int carriers() {
        return Integer.getInteger(
                "jdk.virtualThreadScheduler.parallelism", Runtime.getRuntime().availableProcessors());
    }

    @Test
    void manyVirtualThreadsBlockOnTheLockInEveryModeAndAllComplete() throws InterruptedException {
        RwLock lock = new RwLock();
        int n = Math.max(300, 50 * carriers());
        long[] counter = new long[1]; // guarded by the write lock
        AtomicInteger readsDone = new AtomicInteger();
        lock.lockWrite();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final int k = i;
            threads.add(startVirtual("virtual-" + i, () -> {
                switch (k % 5) {
                    case 0:
                        lock.lockRead();
                        readsDone.incrementAndGet();
                        lock.unlockRead();
                        break;
                    case 1:
                        lock.lockWrite();
                        counter[0]++;
                        lock.unlockWrite();
                        break;
                    case 2:
                        lock.lockUpgradable();
                        lock.upgrade();
                        counter[0]++;
                        lock.downgradeToUpgradable();
                        lock.unlockUpgradable();
                        break;
                    case 3:
                        assertTrue(lock.tryLockWrite(LONG_DELAY_MS, MILLISECONDS));
                        counter[0]++;
                        lock.unlockWriteFair();
                        break;
                    default:
                        lock.lockReadInterruptibly();
                        readsDone.incrementAndGet();
                        lock.unlockRead();
                        break;
                }
            }));
        }
        // All of them parked on the lock at the same time: far more than there are carriers.
        waitForQueueLength(lock, n);
        for (int i = 0; i < n; i += 37) {
            assertSame(lock, LockSupport.getBlocker(threads.get(i)));
        }
        lock.unlockWrite();
        for (Thread t : threads) {
            awaitTermination(t);
        }
        int writers = 0;
        for (int i = 0; i < n; i++) {
            if (i % 5 >= 1 && i % 5 <= 3) {
                writers++;
            }
        }
        lock.lockRead();
        assertEquals(writers, counter[0]);
        lock.unlockRead();
        assertEquals(n - writers, readsDone.get());
        assertWord(0, lock);
    }

    @Test
    void virtualThreadsParkedOnTheLockDoNotPinTheirCarriers() throws InterruptedException {
        RwLock lock = new RwLock();
        int parked = 4 * carriers() + 4;
        lock.lockRead(); // a platform thread reads

        // A virtual writer claims WRITER and parks in the WRITER queue waiting for our read ...
        AtomicBoolean wrote = new AtomicBoolean();
        Thread writer = startVirtual("virtual-writer", () -> {
            lock.lockWrite();
            wrote.set(true);
            lock.unlockWrite();
        });
        waitForParked(lock, writer);
        assertEquals(RwLock.KEY_WRITER, queueKeyOf(lock, writer));

        // ... and many virtual readers park in the MAIN queue behind it.
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < parked; i++) {
            readers.add(startVirtual("virtual-reader-" + i, () -> {
                lock.lockRead();
                lock.unlockRead();
            }));
        }
        // A virtual thread waiting on a condition of another lock, for good measure.
        RwLock other = new RwLock();
        Condition c = other.writeLock().newCondition();
        Thread conditionWaiter = startVirtual("virtual-condition-waiter", () -> {
            other.lockWrite();
            c.await();
            other.unlockWrite();
        });
        waitForQueueLength(lock, parked + 1);
        waitForBlockedOn(c, conditionWaiter);
        for (Thread t : readers) {
            assertTrue(isWaitingState(t), () -> stackOf(t));
        }

        // Every one of them is parked, yet a new virtual thread still finds a free carrier.
        CountDownLatch ran = new CountDownLatch(1);
        Thread runner = startVirtual("virtual-runner", () -> {
            RwLock mine = new RwLock();
            mine.lockWrite();
            mine.unlockWrite();
            ran.countDown();
        });
        await(ran);
        awaitTermination(runner);
        assertEquals(parked + 1, lock.getQueueLength(), "the waiters must still be parked");
        assertFalse(wrote.get());

        lock.unlockRead();
        awaitTermination(writer);
        assertTrue(wrote.get());
        for (Thread t : readers) {
            awaitTermination(t);
        }
        other.lockWrite();
        c.signal();
        other.unlockWrite();
        awaitTermination(conditionWaiter);
        assertWord(0, lock);
        assertWord(0, other);
    }

    @Test
    void virtualAndPlatformThreadsShareTheLockUnderContention() throws InterruptedException {
        RwLock lock = new RwLock();
        long[] pair = new long[2];
        int virtualThreads = 200;
        int platformThreads = 4;
        int rounds = 200;
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < virtualThreads + platformThreads; i++) {
            final int k = i;
            ThreadBody body = () -> {
                for (int r = 0; r < rounds; r++) {
                    if ((r + k) % 4 == 0) {
                        lock.lockWrite();
                        pair[0]++;
                        Thread.yield();
                        pair[1]++;
                        lock.unlockWrite();
                    } else {
                        lock.lockRead();
                        assertEquals(pair[0], pair[1], "a reader saw a write in progress");
                        lock.unlockRead();
                    }
                }
            };
            threads.add(
                    i < virtualThreads ? startVirtual("virtual-" + i, body) : newStartedThread("platform-" + i, body));
        }
        for (Thread t : threads) {
            awaitTermination(t);
        }
        int writes = 0;
        for (int k = 0; k < virtualThreads + platformThreads; k++) {
            for (int r = 0; r < rounds; r++) {
                if ((r + k) % 4 == 0) {
                    writes++;
                }
            }
        }
        assertEquals(writes, pair[0]);
        assertEquals(writes, pair[1]);
        assertWord(0, lock);
    }
}
