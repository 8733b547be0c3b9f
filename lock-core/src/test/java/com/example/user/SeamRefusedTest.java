// SPDX-License-Identifier: Apache-2.0
package com.example.user;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lockword.RwLock;
import io.github.lockword.seam.FaultSeam;
import org.junit.jupiter.api.Test;

/**
 * A user class on the class path cannot build a faulty lock through the seam package (whose
 * qualified export the class path does not enforce), nor replace the lock factory: both throw
 * {@link IllegalCallerException} naming the caller and the supported way.
 */
class SeamRefusedTest {

    @Test
    void aUserClassCannotBuildASeamedLock() {
        FaultSeam seam = new FaultSeam() {};
        IllegalCallerException e =
                assertThrows(IllegalCallerException.class, () -> FaultSeam.newLock("mine", false, seam));
        assertTrue(e.getMessage().contains(SeamRefusedTest.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains("FaultyLocks"), e.getMessage());
    }

    @Test
    void aUserClassCannotInstallTheFactory() {
        new RwLock(); // the real factory is installed by RwLock's initialiser
        assertThrows(IllegalCallerException.class, () -> FaultSeam.installFactory((n, f, s) -> new RwLock()));
    }
}
