package dev.chat.client.text;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.Frames;
import dev.chat.protocol.Names;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextSplitterTest {

    @Test
    void shortTextIsOnePiece() {
        assertThat(TextSplitter.split("hello", Frames.DEFAULT_MAX_FRAME)).containsExactly("hello");
        assertThat(TextSplitter.split("", Frames.DEFAULT_MAX_FRAME)).isEmpty();
    }

    @Test
    void exactlyTheLimitIsOnePieceAndOneMoreIsTwo() {
        String limit = "x".repeat(Names.MAX_TEXT);
        assertThat(TextSplitter.split(limit, Frames.DEFAULT_MAX_FRAME)).containsExactly(limit);
        List<String> two = TextSplitter.split(limit + "y", Frames.DEFAULT_MAX_FRAME);
        assertThat(two).containsExactly(limit, "y");
    }

    @Test
    void piecesAreValidTextsThatJoinToTheOriginal() {
        String emoji = "😀"; // two chars, one code point
        String text = emoji.repeat(9000);
        List<String> pieces = TextSplitter.split(text, Frames.DEFAULT_MAX_FRAME);
        assertThat(pieces).hasSize(3);
        assertThat(pieces).allSatisfy(p -> assertThat(Names.isValidText(p)).isTrue());
        assertThat(pieces.get(0).codePointCount(0, pieces.get(0).length())).isEqualTo(Names.MAX_TEXT);
        assertThat(String.join("", pieces)).isEqualTo(text);
    }

    @Test
    void cutsAfterWhitespaceWhenThereIsSomeInTheSecondHalf() {
        String text = "word ".repeat(1000); // 5000 code points
        List<String> pieces = TextSplitter.split(text, Frames.DEFAULT_MAX_FRAME);
        assertThat(pieces).hasSize(2);
        assertThat(pieces.get(0)).endsWith("word ");
        assertThat(pieces.get(1)).startsWith("word");
        assertThat(String.join("", pieces)).isEqualTo(text);
    }

    @Test
    void smallFrameLimitsPiecesByEncodedSize() {
        // 3-byte characters: a 1000-byte budget holds 333 of them.
        String text = "日".repeat(1000);
        List<String> pieces = TextSplitter.split(text, Names.MAX_TEXT, 1000);
        assertThat(pieces).allSatisfy(p -> assertThat(p.length() * 3).isLessThanOrEqualTo(1000));
        assertThat(String.join("", pieces)).isEqualTo(text);
    }
}
