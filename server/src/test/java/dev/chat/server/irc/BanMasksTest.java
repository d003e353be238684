package dev.chat.server.irc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** IRC ban masks to the core's nick globs ({@link BanMasks}): what is taken, what is refused and why. */
class BanMasksTest {

    private static String glob(String mask) {
        return BanMasks.fromIrc(mask, "chat").glob();
    }

    private static String problem(String mask) {
        return BanMasks.fromIrc(mask, "chat").problem();
    }

    @Test
    void nickMasksBecomeTheNickGlob() {
        assertThat(glob("bob")).isEqualTo("bob");
        assertThat(glob("bob!*@*")).isEqualTo("bob");
        assertThat(glob("bob!*")).isEqualTo("bob");
        assertThat(glob("Bob!bob@*")).isEqualTo("Bob");
        assertThat(glob("bob!*@chat")).isEqualTo("bob");
        assertThat(glob("bob!*@c*")).isEqualTo("bob");
        assertThat(glob("b?b*!*@*")).isEqualTo("b?b*");
        assertThat(glob("*!*@*")).isEqualTo("*");
        assertThat(glob("!*@*")).isEqualTo("*");
        assertThat(glob("*@*")).isEqualTo("*");
    }

    @Test
    void masksTheCoreCannotExpressAreRefusedWithTheReason() {
        assertThat(problem("*!*@chat")).contains("would ban everyone");
        assertThat(problem("*@chat")).contains("would ban everyone");
        assertThat(problem("bob!*@example.org")).contains("matches nobody");
        assertThat(problem("bob!~bob@*")).contains("user part");
        assertThat(problem("bob!alice@*")).contains("user part");
        assertThat(problem("b.b")).contains("nick part");
        assertThat(problem("x".repeat(65))).contains("nick part");
        assertThat(problem("$a:bob")).contains("nick part");
    }

    @Test
    void theCoresMasksAreShownAsNickMasks() {
        assertThat(BanMasks.toIrc("b?b*")).isEqualTo("b?b*!*@*");
        assertThat(BanMasks.fromIrc(BanMasks.toIrc("b?b*"), "chat").glob()).isEqualTo("b?b*");
    }
}
