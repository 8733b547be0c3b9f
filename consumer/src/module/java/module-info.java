/** A program that uses lockword as a module. */
module io.github.lockword.consumer {
    requires io.github.lockword;
}
