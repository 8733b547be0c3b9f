// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

/**
 * What depends on how a lock was made, and so is not part of the {@link RwLockContract} suite that
 * every variant runs: which constructions give an unnamed lock, how a named lock shows its name in
 * {@code toString()} and misuse messages, and which settings survive serialization.
 */
class RwLockConstructionTest extends LockTestSupport {

    @SuppressWarnings("unchecked")
    static <T> T roundTrip(T o) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    @Test
    void everyUnnamedConstructionGivesAnUnlockedUnnamedLock() {
        RwLock[] locks = {
            new RwLock(),
            new RwLock(true),
            new RwLock(false),
            RwLock.builder().build(),
            RwLock.builder().checked(true).build(),
            RwLock.builder().trackHolds(false).build()
        };
        for (RwLock lock : locks) {
            assertEquals(0L, lock.stateWord());
            assertFalse(lock.isLocked());
            assertEquals(0, lock.getQueueLength());
            assertNull(lock.getName());
        }
    }

    @Test
    void namedLockShowsItsName() {
        RwLock lock = RwLock.builder().name("routes").build();
        assertEquals("routes", lock.getName());
        assertEquals(
                "RwLock(routes)@" + Integer.toHexString(System.identityHashCode(lock)) + "[unlocked, readers=0]",
                lock.toString());
        assertNull(new RwLock().getName());
        assertNull(new RwLock(true).getName());
    }

    @Test
    void misuseMessagesOfANamedLockShowItsName() {
        RwLock lock = RwLock.builder().name("routes").build();
        String id = "RwLock(routes)@" + Integer.toHexString(System.identityHashCode(lock));
        IllegalMonitorStateException e = assertMisuse(lock, id, lock::unlockRead);
        assertTrue(e.getMessage().contains("unlockRead"), e.getMessage());
        lock.lockWrite();
        e = assertMisuse(lock, id, lock::lockWrite);
        assertTrue(e.getMessage().contains("WRITER"), e.getMessage());
        lock.unlockWrite();
        assertWord(0, lock);
    }

    @Test
    void serializationRoundTripGivesAnUnlockedLockWithTheSameSettings() throws Exception {
        RwLock unlocked = new RwLock();
        RwLock copy = roundTrip(unlocked);
        assertNotSame(unlocked, copy);
        assertEquals(0L, copy.stateWord());
        assertFalse(copy.isFair());

        RwLock written = new RwLock(true);
        written.lockWrite();
        RwLock writtenCopy = roundTrip(written);
        assertEquals(0L, writtenCopy.stateWord(), "a deserialized lock is unlocked");
        assertNull(writtenCopy.writeOwner());
        assertTrue(writtenCopy.isFair());
        assertTrue(written.isWriteLockedByCurrentThread(), "serializing does not touch the original");
        written.unlockWrite();

        RwLock read = RwLock.builder().name("cache").build();
        read.lockRead();
        read.lockUpgradable();
        RwLock readCopy = roundTrip(read);
        assertEquals(0L, readCopy.stateWord());
        assertEquals("cache", readCopy.getName());
        assertEquals(2 * R | U, read.stateWord());
        read.unlockUpgradable();
        read.unlockRead();
    }
}
