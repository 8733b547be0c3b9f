package io.github.lockword;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SmokeStressTest {

    @Test
    void mixedOperationsKeepExclusionAndEndAtZero() throws Exception {
        RwLock lock = new RwLock();
        AtomicInteger readers = new AtomicInteger();
        AtomicInteger writers = new AtomicInteger();
        AtomicInteger upgraders = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(new Thread(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                try {
                    while (System.nanoTime() < end) {
                        int op = rnd.nextInt(8);
                        switch (op) {
                            case 0: lock.lockRead(); readSection(readers, writers); lock.unlockRead(); break;
                            case 1: lock.lockWrite(); writeSection(readers, writers, upgraders); lock.unlockWrite(); break;
                            case 2:
                                if (lock.tryLockWrite(rnd.nextInt(50), TimeUnit.MICROSECONDS)) {
                                    writeSection(readers, writers, upgraders); lock.unlockWrite();
                                }
                                break;
                            case 3:
                                lock.lockUpgradable(); upgraders.incrementAndGet(); readSection(readers, writers);
                                if (rnd.nextBoolean()) {
                                    upgraders.decrementAndGet();
                                    if (lock.tryUpgrade(rnd.nextInt(50), TimeUnit.MICROSECONDS)) {
                                        writeSection(readers, writers, upgraders); lock.unlockWrite();
                                    } else {
                                        lock.unlockUpgradable();
                                    }
                                } else {
                                    upgraders.decrementAndGet(); lock.unlockUpgradable();
                                }
                                break;
                            case 4:
                                lock.lockWrite(); writeSection(readers, writers, upgraders);
                                lock.downgrade(); readSection(readers, writers); lock.unlockRead();
                                break;
                            case 5:
                                if (lock.tryLockRead(rnd.nextInt(50), TimeUnit.MICROSECONDS)) {
                                    readSection(readers, writers); lock.unlockRead();
                                }
                                break;
                            case 6:
                                lock.lockUpgradable(); upgraders.decrementAndGet(); upgraders.incrementAndGet();
                                lock.upgrade(); writeSection(readers, writers, upgraders);
                                lock.downgradeToUpgradable(); lock.downgradeUpgradable(); lock.unlockRead();
                                break;
                            default:
                                lock.lockWrite(); writeSection(readers, writers, upgraders); lock.unlockWriteFair();
                        }
                        long w = lock.stateWord();
                        if (!LockState.isValid(w)) {
                            throw new AssertionError(LockState.explain(w));
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(20_000);
            assertTrue(!t.isAlive(), "stuck: " + lock);
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertEquals(0L, lock.stateWord(), lock.toString());
    }

    private static void readSection(AtomicInteger readers, AtomicInteger writers) {
        readers.incrementAndGet();
        if (writers.get() != 0) {
            throw new AssertionError("reader inside with a writer");
        }
        Thread.onSpinWait();
        readers.decrementAndGet();
    }

    private static void writeSection(AtomicInteger readers, AtomicInteger writers, AtomicInteger upgraders) {
        if (writers.incrementAndGet() != 1 || readers.get() != 0 || upgraders.get() != 0) {
            throw new AssertionError("writer not alone: w=" + writers + " r=" + readers + " u=" + upgraders);
        }
        Thread.onSpinWait();
        writers.decrementAndGet();
    }
}
