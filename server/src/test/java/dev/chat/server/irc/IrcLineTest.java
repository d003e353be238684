package dev.chat.server.irc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Parsing and rendering of single lines, with the examples of "Modern IRC" (sections
 * "Messages", "Parameters", "Wire format in ABNF") and IRCv3 "Message Tags" ("Escaping values",
 * "Examples").
 */
class IrcLineTest {

    @Test
    void modernIrcParameterExamples() {
        assertThat(IrcLine.parse(":irc.example.com CAP * LIST :").params()).containsExactly("*", "LIST", "");
        assertThat(IrcLine.parse("CAP * LS :multi-prefix sasl").params()).containsExactly("*", "LS",
                "multi-prefix sasl");
        assertThat(IrcLine.parse("CAP REQ :sasl message-tags foo").params()).containsExactly("REQ",
                "sasl message-tags foo");
        IrcLine withColon = IrcLine.parse(":dan!d@localhost PRIVMSG #chan :Hey!");
        IrcLine without = IrcLine.parse(":dan!d@localhost PRIVMSG #chan Hey!");
        assertThat(withColon.params()).isEqualTo(without.params()).containsExactly("#chan", "Hey!");
        assertThat(withColon.source()).isEqualTo("dan!d@localhost");
        assertThat(withColon.command()).isEqualTo("PRIVMSG");
    }

    @Test
    void modernIrcMessageExamples() {
        IrcLine l = IrcLine.parse("@id=234AB :dan!d@localhost PRIVMSG #chan :Hey what's up!");
        assertThat(l.tags()).containsExactly(Map.entry("id", "234AB"));
        assertThat(l.params()).containsExactly("#chan", "Hey what's up!");
    }

    @Test
    void tagsWithoutCommandAreMalformed() {
        assertThatThrownBy(() -> IrcLine.parse("@url=;netsplit=tur,ty")).isInstanceOf(MalformedLineException.class);
        assertThatThrownBy(() -> IrcLine.parse(":source.only")).isInstanceOf(MalformedLineException.class);
        assertThatThrownBy(() -> IrcLine.parse("@a=b :src ")).isInstanceOf(MalformedLineException.class);
        assertThatThrownBy(() -> IrcLine.parse(": @tags.as.command")).isInstanceOf(MalformedLineException.class);
    }

    @Test
    void modernIrcTagExamples() {
        assertThat(IrcLine.parse("@id=123AB;rose CMD").tags()).containsExactly(Map.entry("id", "123AB"),
                Map.entry("rose", ""));
        assertThat(IrcLine.parse("@url=;netsplit=tur,ty CMD").tags()).containsExactly(Map.entry("url", ""),
                Map.entry("netsplit", "tur,ty"));
    }

    @Test
    void spacesSeparateManyAtOnce() {
        IrcLine l = IrcLine.parse("@a=1   :src   PRIVMSG   #chan    :two  spaces ");
        assertThat(l.source()).isEqualTo("src");
        assertThat(l.params()).containsExactly("#chan", "two  spaces ");
        assertThat(IrcLine.parse("NICK alice   ").params()).containsExactly("alice");
    }

    @Test
    void ircv3EscapingExample() {
        // "Raw value: raw+:=,escaped; \   Escaped value: raw+:=,escaped\:\s\\"
        IrcLine l = IrcLine.parse("@+example=raw+:=,escaped\\:\\s\\\\ :irc.example.com NOTICE #channel :Message");
        assertThat(l.tag("+example")).isEqualTo("raw+:=,escaped; \\");
        assertThat(l.render()).isEqualTo("@+example=raw+:=,escaped\\:\\s\\\\ :irc.example.com NOTICE #channel :Message");
    }

    @Test
    void unescapingEdgeCases() {
        assertThat(IrcLine.unescapeTagValue("test\\")).isEqualTo("test"); // lone trailing backslash: nothing
        assertThat(IrcLine.unescapeTagValue("\\b")).isEqualTo("b"); // invalid escape: the backslash is dropped
        assertThat(IrcLine.unescapeTagValue("a\\r\\nb")).isEqualTo("a\r\nb");
        StringBuilder sb = new StringBuilder();
        IrcLine.escapeTagValue("a; b\\c\r\n", sb);
        assertThat(sb).hasToString("a\\:\\sb\\\\c\\r\\n");
    }

    @Test
    void duplicateTagsKeepTheLastAndEmptyKeysAreIgnored() {
        IrcLine l = IrcLine.parse("@a=1;b;a=2;;=x CMD");
        assertThat(l.tags()).containsOnly(Map.entry("a", "2"), Map.entry("b", ""));
    }

    @Test
    void renderPutsAColonOnlyWhereNeededUnlessAskedFor() {
        assertThat(IrcLine.of("irc.test", "PONG", "irc.test", "abc").render()).isEqualTo(":irc.test PONG irc.test abc");
        assertThat(IrcLine.of(null, "PRIVMSG", "#a", "hi there").render()).isEqualTo("PRIVMSG #a :hi there");
        assertThat(IrcLine.of(null, "PRIVMSG", "#a", ":)").render()).isEqualTo("PRIVMSG #a ::)");
        assertThat(IrcLine.of(null, "CAP", "*", "LIST", "").render()).isEqualTo("CAP * LIST :");
        assertThat(IrcLine.withText(null, "PRIVMSG", "#a", "hi").render()).isEqualTo("PRIVMSG #a :hi");
        assertThat(IrcLine.of(null, "QUIT").render()).isEqualTo("QUIT");
    }

    @Test
    void parsedLinesRenderBackTheSame() {
        for (String line : List.of(
                ":irc.example.com CAP * LS :multi-prefix extended-join sasl",
                "@id=234AB :dan!d@localhost PRIVMSG #chan :Hey what's up!",
                "CAP REQ :sasl",
                "@label=abc;+draft/reply=x\\sy :n!u@h PRIVMSG #c ::-)",
                "PING 12345")) {
            assertThat(IrcLine.parse(line).render()).isEqualTo(line);
        }
    }

    @Test
    void onlyTheLastParameterMayHoldSpacesOrBeEmpty() {
        assertThatThrownBy(() -> IrcLine.of(null, "X", "a b", "c")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IrcLine.of(null, "X", "", "c")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IrcLine.of(null, "X", ":a", "c")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IrcLine.of(null, "X", "a\r\nQUIT")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IrcLine.of(null, "X Y")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encodeEndsWithCrLfAndCutsAnOverlongTrailingParameterAtACharacterBoundary() {
        assertThat(new String(IrcLine.of(null, "PING", "x").encode(), StandardCharsets.UTF_8)).isEqualTo("PING x\r\n");
        String text = "é".repeat(400); // 800 bytes
        byte[] b = new IrcLine(Map.of("time", "2026-01-01T00:00:00.000Z"), "a!a@chat", "PRIVMSG", List.of("#r", text),
                true).encode();
        String s = new String(b, StandardCharsets.UTF_8);
        String body = s.substring(s.indexOf(' ') + 1);
        assertThat(body.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(IrcLine.MAX_BODY_BYTES);
        assertThat(s).endsWith("é\r\n").doesNotContain("\uFFFD");
    }

    @Test
    void withTagsFirstPutsServerTagsBeforeTheLinesOwn() {
        IrcLine l = IrcLine.parse("@+client=1 :n!u@h PRIVMSG #c hi").withTagsFirst(Map.of("label", "L1"));
        assertThat(l.render()).isEqualTo("@label=L1;+client=1 :n!u@h PRIVMSG #c hi");
    }
}
