// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code unlockWrite} by the legitimate owner on a word that no longer shows its write lock (written
 * behind the lock's back, as only a bug or a fault can): the owner gets a clear exception naming the
 * lock, keeps ownership, and the word is left exactly as it was, so nothing is released twice. An
 * invalid word is reported as corruption; a valid word without a held write lock as misuse. Also the
 * op name in the write owner's re-entry misuse messages.
 */
class UnlockWriteOnForgedWordTest extends LockTestSupport {

    @Test
    void readersInTheWordUnderAWriteOwnerAreMisuseAndNothingChanges() {
        RwLock lock = new RwLock();
        lock.lockWrite();
        long forged = W | P | R; // a reader counted under a writer: valid bits, impossible state
        lock.setStateWordForTesting(forged);
        IllegalMonitorStateException e = assertMisuse(lock, lock::unlockWrite);
        assertTrue(e.getMessage().contains("unlockWrite()"), e.getMessage());
        assertTrue(e.getMessage().contains("does not show a held write lock"), e.getMessage());
        assertWord(forged, lock);
        assertTrue(lock.isWriteLockedByCurrentThread(), "the owner must keep the write lock");
        lock.setStateWordForTesting(W);
        lock.unlockWrite();
        assertWord(0, lock);
    }

    @Test
    void aWordWithoutWriterUnderAWriteOwnerIsMisuseAndNothingChanges() {
        RwLock lock = new RwLock();
        lock.lockWrite();
        lock.setStateWordForTesting(P);
        IllegalMonitorStateException e = assertMisuse(lock, lock::unlockWriteFair);
        assertTrue(e.getMessage().contains("unlockWriteFair()"), e.getMessage());
        assertWord(P, lock);
        assertTrue(lock.isWriteLockedByCurrentThread(), "the owner must keep the write lock");
        lock.setStateWordForTesting(W);
        lock.unlockWrite();
        assertWord(0, lock);
    }

    @Test
    void anInvalidWordUnderAWriteOwnerIsReportedAsCorruption() {
        RwLock lock = new RwLock();
        lock.lockWrite();
        long corrupt = -1L; // what issue 465 left behind
        lock.setStateWordForTesting(corrupt);
        LockCorruptedException e = assertThrows(LockCorruptedException.class, lock::unlockWrite);
        assertEquals(corrupt, e.word());
        assertWord(corrupt, lock);
        assertTrue(lock.isWriteLockedByCurrentThread(), "the owner must keep the write lock");
        lock.setStateWordForTesting(W);
        lock.unlockWrite();
        assertWord(0, lock);
    }

    @Test
    void theWriteOwnersReentryMessagesNameTheCall() throws InterruptedException {
        RwLock lock = new RwLock();
        Thread owner = newStartedThread("owner", () -> {
            lock.lockWrite();
            IllegalMonitorStateException read = assertMisuse(lock, lock::lockRead);
            assertTrue(read.getMessage().contains("lockRead()"), read.getMessage());
            IllegalMonitorStateException upgradable = assertMisuse(lock, lock::lockUpgradable);
            assertTrue(upgradable.getMessage().contains("lockUpgradable()"), upgradable.getMessage());
            assertTrue(upgradable.getMessage().contains("use downgrade()"), upgradable.getMessage());
            lock.unlockWrite();
        });
        awaitTermination(owner);
        assertWord(0, lock);
    }
}
