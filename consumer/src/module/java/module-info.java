// SPDX-License-Identifier: Apache-2.0
/** A program that uses lockword as a module. */
module io.github.lockword.consumer {
    requires io.github.lockword;
}
