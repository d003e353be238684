package dev.chat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Reasons of {@code part} and {@code quit}: what is accepted, and what a server passes on. */
class NamesTest {

    @Test
    void aReasonIsAtMost400CodePointsWithoutLoneSurrogates() {
        assertThat(Names.isValidReason("")).isTrue();
        assertThat(Names.isValidReason("\uD83D\uDE00".repeat(400))).as("400 astral code points").isTrue();
        assertThat(Names.isValidReason("r".repeat(401))).isFalse();
        assertThat(Names.isValidReason("lone \uD800 surrogate")).isFalse();
        assertThat(Names.isValidReason(null)).isFalse();
    }

    @Test
    void cleanReasonCutsAfter400CodePointsAndDropsLoneSurrogates() {
        assertThat(Names.cleanReason(null)).isNull();
        assertThat(Names.cleanReason("bye now")).isEqualTo("bye now");
        String cut = Names.cleanReason("\uD83D\uDE00".repeat(500));
        assertThat(cut.codePointCount(0, cut.length())).isEqualTo(Names.MAX_REASON);
        assertThat(Names.isValidReason(cut)).isTrue();
        assertThat(Names.cleanReason("a\uD800b\uDC00c")).isEqualTo("abc");
    }

    @Test
    void aReasonNeverMakesAMemberEventUnencodable() throws Exception {
        String reason = Names.cleanReason("x\uDBFF" + "é".repeat(600));
        ServerMessage.Member m = new ServerMessage.Member("r", "bob", ServerMessage.Member.QUIT, null, reason);
        assertThat(MessageCodec.decodeServer(MessageCodec.encode(m))).isEqualTo(m);
    }
}
