// SPDX-License-Identifier: Apache-2.0
package io.github.lockword;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract suite, run once per kind of lock a user can get (JCTools' {@code QueueSanityTest}
 * pattern): a concrete subclass, one per variant, says how to make the lock under test and declares
 * one {@link Nested} subclass of each group in {@link #GROUPS}, and JUnit runs every group against
 * that lock.
 *
 * <p>The groups ({@link ReadContract}, {@link WriteContract}, {@link UpgradableContract},
 * {@link TimeoutContract}, {@link InterruptContract}, {@link ViewsContract}, {@link MisuseContract},
 * {@link WriteConditionContract}, {@link IntrospectionContract}) make every lock with
 * {@link #newLock()} and assert what all variants share. Where a variant's semantics differ, a test
 * asks the variant ({@link #checked()}) and asserts that variant's actual behaviour, and its name or
 * comment says so. Checked mode differs: it throws {@link IllegalMonitorStateException} where
 * the plain lock would wait for itself or fail a try (a timed read re-entry behind a waiting
 * writer, a timed write or upgradable request by a read holder, even with a zero timeout), and the
 * tests that would trip over that take the conflicting share in another thread instead. The
 * read-biased variant ({@link #readBiased()}) differs in where a read share lives: on the reading
 * thread's slot rather than in the word, bound to that thread.
 *
 * <p>The variants: {@code new RwLock()} ({@code PlainLockContractTest}), {@code new RwLock(true)}
 * ({@code FairLockContractTest}), {@code RwLock.builder().build()} ({@code BuiltLockContractTest}),
 * {@code builder().checked(true).build()} ({@code CheckedLockContractTest}), {@code builder().readBiased(true).build()}
 * ({@code ReadBiasedLockContractTest}),
 * {@code builder().trackHolds(false).build()} ({@code UntrackedLockContractTest}), and in
 * lock-faults a {@code FaultyLocks.create()} lock with no fault ({@code NoFaultLockContractTest}),
 * which must behave exactly as the fixed lock. Public so that lock-faults can subclass it from
 * lock-core's test jar.
 */
public abstract class RwLockContract {

    /** For subclasses, one per variant. */
    protected RwLockContract() {}

    /** A new, unlocked lock of the variant under test. */
    protected abstract RwLock newLock();

    /**
     * Whether the variant runs in checked mode: self-deadlocks (a read holder asking for the write
     * or upgradable lock, a read re-entry behind a waiting writer) throw instead of waiting.
     */
    protected boolean checked() {
        return false;
    }

    /**
     * Whether the variant is read-biased: while the bias is on, a read share goes to the thread's
     * slot of the global visible-readers table, not to the word, and only that thread can release
     * it; a writer revokes the bias and waits for those shares.
     */
    protected boolean readBiased() {
        return false;
    }

    /** The groups of the suite; each variant declares one {@link Nested} subclass of each. */
    static final List<Class<? extends ContractGroup>> GROUPS = List.of(
            ReadContract.class,
            WriteContract.class,
            UpgradableContract.class,
            TimeoutContract.class,
            InterruptContract.class,
            ViewsContract.class,
            MisuseContract.class,
            WriteConditionContract.class,
            IntrospectionContract.class);

    /**
     * The variant runs every group. The groups are declared in each variant rather than here so that
     * reports name the variant ({@code PlainLockContractTest$Read}, not {@code RwLockContract$Read}
     * five times over); this keeps a variant from silently skipping one.
     */
    @Test
    void variantDeclaresEveryGroup() {
        List<String> missing = new ArrayList<>();
        for (Class<? extends ContractGroup> group : GROUPS) {
            boolean declared = false;
            for (Class<?> c : getClass().getDeclaredClasses()) {
                declared |= group.isAssignableFrom(c)
                        && c.isAnnotationPresent(Nested.class)
                        && !Modifier.isStatic(c.getModifiers())
                        && !Modifier.isAbstract(c.getModifiers());
            }
            if (!declared) {
                missing.add(group.getSimpleName());
            }
        }
        assertTrue(missing.isEmpty(), () -> getClass().getName() + " declares no @Nested class for " + missing);
    }
}
