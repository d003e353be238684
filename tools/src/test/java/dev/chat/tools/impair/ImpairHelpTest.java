package dev.chat.tools.impair;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code ./chat impair --help} is as wide as every other command's help: 80 columns. */
class ImpairHelpTest {

    @Test
    void helpFitsEightyColumns() {
        ImpairOptionsTest.Run r = ImpairOptionsTest.run("impair", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--forward=HOST:PORT");
        assertThat(r.out().lines()).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(80));
    }
}
