package dev.chat.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.Names;
import org.junit.jupiter.api.Test;

class DefaultNickTest {

    @Test
    void userNamesBecomeValidNicks() {
        assertThat(DefaultNick.from("alice")).isEqualTo("alice");
        assertThat(DefaultNick.from("Jane Doe")).isEqualTo("Jane_Doe");
        assertThat(DefaultNick.from("jürgen.m@corp")).isEqualTo("j_rgen_m_corp");
        assertThat(DefaultNick.from("x".repeat(50))).hasSize(Names.MAX_NICK);
        assertThat(DefaultNick.from("...")).isEqualTo("guest");
        assertThat(DefaultNick.from("")).isEqualTo("guest");
        assertThat(DefaultNick.from(null)).isEqualTo("guest");
        assertThat(Names.isValidNick(DefaultNick.forCurrentUser())).isTrue();
    }

    @Test
    void alternativesStayValid() {
        assertThat(DefaultNick.alternative("bob", 2)).isEqualTo("bob-2");
        String longNick = "n".repeat(Names.MAX_NICK);
        assertThat(DefaultNick.alternative(longNick, 9)).hasSize(Names.MAX_NICK).endsWith("-9");
        assertThat(Names.isValidNick(DefaultNick.alternative(longNick, 9))).isTrue();
    }

    @Test
    void aPersonIsOfferedUnderscoresAsOnIrc() {
        assertThat(DefaultNick.underscored("alice", 2)).isEqualTo("alice_");
        assertThat(DefaultNick.underscored("alice", 3)).isEqualTo("alice__");
        String longNick = "n".repeat(Names.MAX_NICK);
        assertThat(DefaultNick.underscored(longNick, 2)).hasSize(Names.MAX_NICK).endsWith("n_");
        assertThat(Names.isValidNick(DefaultNick.underscored(longNick, 9))).isTrue();
    }
}
