package dev.chat.server.irc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Round trips of the line codec: what is rendered parses back to the same line, and back again. */
class IrcLinePropertyTest {

    @Property(tries = 2000)
    void renderedLinesParseBackEqual(@ForAll("lines") IrcLine line) {
        String text = line.render();
        assertThat(text).doesNotContain("\r", "\n", "\0");
        assertThat(IrcLine.parse(text)).isEqualTo(line);
    }

    @Property(tries = 2000)
    void anyParsableTextIsStableAfterOneRoundTrip(@ForAll("texts") String text) {
        IrcLine first;
        try {
            first = IrcLine.parse(text);
        } catch (MalformedLineException e) {
            return;
        }
        IrcLine again = IrcLine.parse(first.render());
        assertThat(again).isEqualTo(first);
        assertThat(again.render()).isEqualTo(first.render());
    }

    @Property(tries = 1000)
    void tagValuesSurviveEscaping(@ForAll("anyText") String value) {
        StringBuilder sb = new StringBuilder();
        IrcLine.escapeTagValue(value, sb);
        assertThat(sb.toString()).doesNotContain(";", " ", "\r", "\n");
        assertThat(IrcLine.unescapeTagValue(sb.toString())).isEqualTo(value);
    }

    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.strings().withChars("ab;\\ \r\n:=sé😀").ofMaxLength(20);
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings().withChars("@:;= a\\b#,é!").ofMaxLength(40);
    }

    @Provide
    Arbitrary<IrcLine> lines() {
        Arbitrary<String> word = Arbitraries.strings().withChars("abcXYZ019#&!@.,=;+/\\é😀").ofMinLength(1).ofMaxLength(8)
                .filter(w -> !w.startsWith(":"));
        Arbitrary<String> command = Arbitraries.oneOf(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10),
                Arbitraries.integers().between(0, 999).map(n -> String.format("%03d", n)));
        Arbitrary<String> last = Arbitraries.strings().withChars("ab :;é😀\\@#").ofMaxLength(12);
        Arbitrary<Map<String, String>> tags = Combinators.combine(
                Arbitraries.strings().withChars("abc-+/.").ofMinLength(1).ofMaxLength(6).list().ofMaxSize(4),
                Arbitraries.strings().withChars("a; \\\r\n=é").ofMaxLength(6).list().ofSize(4))
                .as((keys, values) -> {
                    Map<String, String> m = new LinkedHashMap<>();
                    for (int i = 0; i < keys.size(); i++) {
                        m.put(keys.get(i), values.get(i));
                    }
                    return m;
                });
        Arbitrary<String> source = Arbitraries.oneOf(Arbitraries.just(null),
                Arbitraries.strings().withChars("abc!@.:").ofMinLength(1).ofMaxLength(10));
        return Combinators.combine(tags, source, command, word.list().ofMaxSize(5),
                        Arbitraries.oneOf(Arbitraries.just(null), last), Arbitraries.of(true, false))
                .as((t, src, cmd, middle, trailing, colon) -> {
                    List<String> params = new ArrayList<>(middle);
                    if (trailing != null) {
                        params.add(trailing);
                    }
                    return new IrcLine(t, src, cmd, params, colon);
                });
    }
}
