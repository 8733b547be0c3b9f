// SPDX-License-Identifier: Apache-2.0
package com.example.user;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lockword.RwLock;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

/**
 * The lock's class hierarchy is closed: user code cannot subclass {@link RwLock} (and so cannot
 * depend on which public method calls which), and the guards are final.
 */
class SealedApiTest {

    @Test
    void rwLockIsSealedAndItsOnlySubclassIsTheInstrumentedLock() {
        assertTrue(RwLock.class.isSealed());
        Class<?>[] permitted = RwLock.class.getPermittedSubclasses();
        assertArrayEquals(
                new String[] {"io.github.lockword.InstrumentedRwLock"},
                java.util.Arrays.stream(permitted).map(Class::getName).toArray(String[]::new));
        assertTrue(Modifier.isFinal(permitted[0].getModifiers()));
        assertTrue(RwLock.builder().checked(true).build().getClass() == permitted[0]);
    }

    @Test
    void guardsAreFinal() {
        for (Class<?> c : new Class<?>[] {
            io.github.lockword.ReadGuard.class,
            io.github.lockword.WriteGuard.class,
            io.github.lockword.UpgradableGuard.class
        }) {
            assertTrue(Modifier.isFinal(c.getModifiers()), c.getName());
        }
    }
}
