package dev.chat.server.irc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Cutting chat texts into IRC message texts without losing or breaking a character. */
class TextSplitterTest {

    @Test
    void lineBreaksOfEveryKindEndALine() {
        assertThat(TextSplitter.lines("a\nb\r\nc\rd")).containsExactly("a", "b", "c", "d");
        assertThat(TextSplitter.lines("a\n\nb\n")).containsExactly("a", "", "b", "");
        assertThat(TextSplitter.lines("no break")).containsExactly("no break");
    }

    @Test
    void nulIsShownAsTheSymbolForNull() {
        assertThat(TextSplitter.lines("a\0b")).containsExactly("a\u2400b");
    }

    @Test
    void cutsPreferASpaceInTheSecondHalfAndKeepItAtTheEnd() {
        assertThat(TextSplitter.chunks("hello brave new world", 12)).containsExactly("hello brave ", "new world");
        assertThat(TextSplitter.chunks("abcdefghijklmnop", 5)).containsExactly("abcde", "fghij", "klmno", "p");
        assertThat(TextSplitter.chunks("", 10)).containsExactly("");
    }

    @Test
    void neverInsideAUtf8SequenceOrASurrogatePair() {
        // each 😀 is 4 UTF-8 bytes and 2 UTF-16 chars; 6 bytes fit one only
        assertThat(TextSplitter.chunks("😀😀😀", 6)).containsExactly("😀", "😀", "😀");
        assertThat(TextSplitter.chunks("ééé", 5)).containsExactly("éé", "é");
        assertThat(TextSplitter.prefixFitting("a😀b", 4)).isEqualTo("a");
    }

    @Property(tries = 1000)
    void piecesRejoinToTheLineAndFit(@ForAll("lines") String line, @ForAll @IntRange(min = 4, max = 600) int max) {
        List<String> pieces = TextSplitter.chunks(line, max);
        assertThat(String.join("", pieces)).isEqualTo(line);
        for (String p : pieces) {
            assertThat(p.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(max);
            if (!p.isEmpty()) {
                assertThat(Character.isLowSurrogate(p.charAt(0))).isFalse();
                assertThat(Character.isHighSurrogate(p.charAt(p.length() - 1))).isFalse();
            }
            assertThat(TextSplitter.utf8Length(p)).isEqualTo(p.getBytes(StandardCharsets.UTF_8).length);
        }
        if (pieces.size() > 1) {
            assertThat(pieces).allMatch(p -> !p.isEmpty());
        }
    }

    @Provide
    Arbitrary<String> lines() {
        // whole code points of 1, 2, 3 and 4 UTF-8 bytes, and spaces
        return Arbitraries.of("a", "b", " ", "é", "€", "中", "😀", "𝄞").list().ofMaxSize(1500)
                .map(list -> String.join("", list));
    }
}
