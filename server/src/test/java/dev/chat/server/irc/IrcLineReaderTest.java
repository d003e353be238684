package dev.chat.server.irc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.server.irc.IrcLineReader.Problem;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The bounded line reader: framing on LF and CR LF ("Modern IRC", section "Messages"), the
 * 512-byte body and 4094-byte client tag limits (IRCv3 "Message Tags", section "Size limit":
 * {@code 417 ERR_INPUTTOOLONG}), NUL and CR inside a line, strict UTF-8 (IRCv3 "UTF8ONLY").
 */
class IrcLineReaderTest {

    /** What a reader reported, as text: lines rendered, problems as "!KIND command". */
    static final class Recorder implements IrcLineReader.Sink {
        final List<String> events = new ArrayList<>();

        @Override
        public void line(IrcLine line) {
            events.add(line.render());
        }

        @Override
        public void problem(Problem problem, String command) {
            events.add("!" + problem + " " + command);
        }
    }

    private static List<String> read(byte[] stream) {
        Recorder r = new Recorder();
        new IrcLineReader().feed(stream, 0, stream.length, r);
        return r.events;
    }

    private static List<String> read(String stream) {
        return read(stream.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void linesEndAtLfOrCrLfAndEmptyLinesAreSkipped() {
        assertThat(read("NICK a\r\nUSER a 0 * :A\n\r\n\n   \r\nPING x\r\n")).containsExactly("NICK a",
                "USER a 0 * :A", "PING x");
    }

    @Test
    void anUnfinishedLineWaitsForItsEnd() {
        IrcLineReader reader = new IrcLineReader();
        Recorder r = new Recorder();
        byte[] b = "PING one\r\nPING tw".getBytes(StandardCharsets.US_ASCII);
        reader.feed(b, 0, b.length, r);
        assertThat(r.events).containsExactly("PING one");
        assertThat(reader.buffered()).isEqualTo(7);
        byte[] rest = "o\r\n".getBytes(StandardCharsets.US_ASCII);
        reader.feed(rest, 0, rest.length, r);
        assertThat(r.events).containsExactly("PING one", "PING two");
        assertThat(reader.buffered()).isZero();
    }

    @Test
    void everySplitPointGivesTheSameLines() {
        String stream = "@label=x;a=b\\sc :me PRIVMSG #général :héllo 😀 wörld\r\nPING :z\nQUIT\r\n";
        byte[] b = stream.getBytes(StandardCharsets.UTF_8);
        List<String> whole = read(b);
        assertThat(whole).hasSize(3);
        for (int cut = 0; cut <= b.length; cut++) {
            for (int cut2 = cut; cut2 <= b.length; cut2 += 7) {
                IrcLineReader reader = new IrcLineReader();
                Recorder r = new Recorder();
                reader.feed(b, 0, cut, r);
                reader.feed(b, cut, cut2 - cut, r);
                reader.feed(b, cut2, b.length - cut2, r);
                assertThat(r.events).as("cut at %d and %d", cut, cut2).isEqualTo(whole);
            }
        }
    }

    @Test
    void aBodyOf510BytesIsTakenAnd511IsTooLong() {
        String ok = "PRIVMSG #a :" + "x".repeat(510 - 12);
        String over = ok + "y";
        assertThat(read(ok + "\r\n" + over + "\r\nPING after\r\n")).containsExactly(ok, "!TOO_LONG PRIVMSG",
                "PING after");
    }

    @Test
    void tagsDoNotCountTowardsTheBodyButClientTagDataIsLimitedTo4094Bytes() {
        String body = "PRIVMSG #a :" + "x".repeat(498);
        String tags4094 = "@+a=" + "t".repeat(4094 - 3);
        String tags4095 = "@+a=" + "t".repeat(4094 - 2);
        List<String> events = read(tags4094 + " " + body + "\r\n" + tags4095 + " " + body + "\r\n");
        assertThat(events).hasSize(2);
        assertThat(events.get(0)).endsWith(body.substring(12));
        assertThat(events.get(1)).isEqualTo("!TOO_LONG PRIVMSG");
    }

    @Test
    void aTenThousandByteLineIsAnsweredOnceAndNeverHeldWhole() {
        IrcLineReader reader = new IrcLineReader();
        Recorder r = new Recorder();
        byte[] chunk = "x".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        byte[] start = "PRIVMSG #a :".getBytes(StandardCharsets.US_ASCII);
        reader.feed(start, 0, start.length, r);
        for (int i = 0; i < 10; i++) {
            reader.feed(chunk, 0, chunk.length, r);
            assertThat(reader.buffered()).isLessThanOrEqualTo(IrcLineReader.MAX_LINE);
        }
        byte[] end = "\r\nPING ok\r\n".getBytes(StandardCharsets.US_ASCII);
        reader.feed(end, 0, end.length, r);
        assertThat(r.events).containsExactly("!TOO_LONG PRIVMSG", "PING ok");
        assertThat(reader.buffered()).isZero();
    }

    @Test
    void endlessBytesWithoutLineEndStayBounded() {
        IrcLineReader reader = new IrcLineReader();
        Recorder r = new Recorder();
        byte[] chunk = new byte[65536];
        java.util.Arrays.fill(chunk, (byte) 'a');
        for (int i = 0; i < 100; i++) {
            reader.feed(chunk, 0, chunk.length, r);
            assertThat(reader.buffered()).isLessThanOrEqualTo(IrcLineReader.MAX_LINE);
        }
        assertThat(r.events).containsExactly("!TOO_LONG *"); // once, not once per chunk
    }

    @Test
    void nulAndCrInsideALineAreRefusedAndTheNextLineIsRead() {
        assertThat(read("PRIVMSG #a :bad\0byte\r\nPRIVMSG #a :bad\rcr\r\nPING ok\r\n")).containsExactly(
                "!FORBIDDEN_BYTE PRIVMSG", "!FORBIDDEN_BYTE PRIVMSG", "PING ok");
    }

    @Test
    void invalidUtf8IsRefusedNotDropped() {
        byte[][] bad = {
            {(byte) 0xff}, {(byte) 0xc0, (byte) 0xaf}, // overlong '/'
            {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // an encoded surrogate (CESU-8)
            {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
            {(byte) 0xe2, (byte) 0x98}, // truncated
            {(byte) 0x80}, // a lone continuation byte
        };
        for (byte[] seq : bad) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes("PRIVMSG #a :x".getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(seq);
            out.writeBytes("y\r\nPING ok\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(read(out.toByteArray())).containsExactly("!INVALID_UTF8 PRIVMSG", "PING ok");
        }
        byte[] latin1Command = {'N', (byte) 0xc9, 'C', 'K', ' ', 'a', '\r', '\n'};
        assertThat(read(latin1Command)).containsExactly("!INVALID_UTF8 *");
    }

    @Test
    void malformedLinesAreReported() {
        assertThat(read("@a=b\r\n:src\r\n")).containsExactly("!MALFORMED *", "!MALFORMED *");
    }

    @Test
    void theFramedProtocolIsRecognisedByItsFirstByte() {
        byte[] hello = {0, 0, 0, 38, '{', '"'};
        assertThat(read(hello)).containsExactly("!FRAMED_PROTOCOL *");
        assertThat(read("{\"type\":\"hello\",\"nick\":\"a\"}\n")).containsExactly("!FRAMED_PROTOCOL *");
        IrcLineReader reader = new IrcLineReader();
        Recorder r = new Recorder();
        reader.feed(hello, 0, hello.length, r);
        byte[] more = "PING x\r\n".getBytes(StandardCharsets.US_ASCII);
        reader.feed(more, 0, more.length, r);
        assertThat(r.events).containsExactly("!FRAMED_PROTOCOL *"); // nothing more is read
        // only the very first byte counts: a '{' later is just text
        assertThat(read("PING x\r\n{\r\n")).containsExactly("PING x", "{");
    }

    @Test
    void theCommandOfARawLineIsFoundBehindTagsAndSource() {
        byte[] b = "@a=b :n!u@h privmsg #x :y".getBytes(StandardCharsets.US_ASCII);
        assertThat(IrcLineReader.commandOf(b, 0, b.length)).isEqualTo("privmsg");
        byte[] weird = "PRIV\u00e9 x".getBytes(StandardCharsets.UTF_8);
        assertThat(IrcLineReader.commandOf(weird, 0, weird.length)).isEqualTo("*");
    }

    @Property(tries = 300)
    void randomBytesOnlyEverGiveLinesOrProblems(@ForAll("streams") byte[] stream, @ForAll("chunk") int chunk) {
        IrcLineReader reader = new IrcLineReader();
        Recorder r = new Recorder();
        for (int i = 0; i < stream.length; i += chunk) {
            reader.feed(stream, i, Math.min(chunk, stream.length - i), r);
            assertThat(reader.buffered()).isLessThanOrEqualTo(IrcLineReader.MAX_LINE);
        }
        for (String e : r.events) {
            if (!e.startsWith("!")) {
                assertThat(e.getBytes(StandardCharsets.UTF_8).length).isLessThan(IrcLineReader.MAX_LINE);
            }
        }
    }

    @Provide
    Arbitrary<byte[]> streams() {
        Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(20_000);
        Arbitrary<byte[]> linesy = Arbitraries.strings().withChars("PRIVMSG #a:@;= \r\n\0\u00e9\u00ff")
                .ofMaxLength(12_000).map(s -> s.getBytes(StandardCharsets.ISO_8859_1));
        return Arbitraries.oneOf(noise, linesy);
    }

    @Provide
    Arbitrary<Integer> chunk() {
        return Arbitraries.integers().between(1, 9000);
    }
}
