package dev.chat.client.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalTextTest {

    @Test
    void escapeSequencesAreShownNotExecuted() {
        String attack = "hi\u001b[2J\u001b]0;pwned\u0007 there";
        String safe = TerminalText.singleLine(attack);
        assertThat(safe).doesNotContain("\u001b").doesNotContain("\u0007");
        assertThat(safe).isEqualTo("hi^[[2J^[]0;pwned^G there");
    }

    @Test
    void c1ControlsAndDelAreEscaped() {
        // U+009B is a one-character CSI on terminals that honour C1 controls.
        assertThat(TerminalText.singleLine("a\u009b31mb\u007f")).isEqualTo("a^[[31mb^?");
    }

    @Test
    void bidiOverridesAreNamed() {
        assertThat(TerminalText.singleLine("file\u202Etxt.exe")).isEqualTo("file<U+202E>txt.exe");
        assertThat(TerminalText.singleLine("x\u2066y\u2069")).isEqualTo("x<U+2066>y<U+2069>");
    }

    @Test
    void singleLineKeepsEverythingOnOneLine() {
        assertThat(TerminalText.singleLine("one\ntwo\r\tthree")).isEqualTo("one^Jtwo^M^Ithree");
        assertThat(TerminalText.singleLine("a\u2028b")).isEqualTo("a<U+2028>b");
    }

    @Test
    void multiLineKeepsNewlinesOnly() {
        assertThat(TerminalText.multiLine("one\r\ntwo\n\tthree\u001b[A")).isEqualTo("one\ntwo\n    three^[[A");
        assertThat(TerminalText.multiLine("bare\rreturn")).isEqualTo("bare^Mreturn");
    }

    @Test
    void ordinaryUnicodeIsUntouched() {
        String s = "héllo wörld 日本語 😀 — ok";
        assertThat(TerminalText.singleLine(s)).isSameAs(s);
        assertThat(TerminalText.isSafe(s)).isTrue();
    }

    @Test
    void unpairedSurrogatesBecomeReplacementCharacters() {
        assertThat(TerminalText.singleLine("a\ud800b")).isEqualTo("a\uFFFDb");
        assertThat(TerminalText.singleLine("a\udc00")).isEqualTo("a\uFFFD");
        assertThat(TerminalText.singleLine("\ud83d\ude00\ud83d")).isEqualTo("\ud83d\ude00\uFFFD");
    }

    @Test
    void nullIsEmpty() {
        assertThat(TerminalText.singleLine(null)).isEmpty();
    }
}
