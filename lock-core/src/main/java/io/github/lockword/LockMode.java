// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

/** What a thread waits for or holds, as diagnostics report it. */
public enum LockMode {
    /** A read lock (plain or recursive). */
    READ,
    /** The write lock (both steps: claiming WRITER and waiting for readers). */
    WRITE,
    /** An upgradable read lock. */
    UPGRADABLE,
    /** An upgrade from the upgradable read lock to the write lock (waiting for readers). */
    UPGRADE
}
