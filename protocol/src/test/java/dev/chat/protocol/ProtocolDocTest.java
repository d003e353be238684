package dev.chat.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/PROTOCOL.md honest: its hex dumps are exactly what the encoder writes, and it
 * documents every error code and message type the code knows.
 */
class ProtocolDocTest {

    private static final Pattern DUMP = Pattern.compile(
            "<!-- encoder-output: ([a-z0-9-]+) -->\\s*```\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern DUMP_LINE = Pattern.compile("^[0-9a-f]{8}: ((?:[0-9a-f]{2,4} )+)", Pattern.MULTILINE);

    private static String doc;

    @BeforeAll
    static void readDoc() throws Exception {
        Path file = Path.of(System.getProperty("basedir", "."), "..", "docs", "PROTOCOL.md");
        doc = Files.readString(file, UTF_8);
    }

    @Test
    void everyHexDumpIsWhatTheEncoderWrites() throws Exception {
        Matcher m = DUMP.matcher(doc);
        int dumps = 0;
        while (m.find()) {
            dumps++;
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            Matcher line = DUMP_LINE.matcher(m.group(2));
            while (line.find()) {
                bytes.writeBytes(HexFormat.of().parseHex(line.group(1).replace(" ", "")));
            }
            CodecVectorTest.Vector v = CodecVectorTest.load(m.group(1));
            // the vector's own test proves these bytes re-encode identically ("canonical: same")
            assertThat(v.canonical()).isEqualTo("same");
            assertThat(bytes.toByteArray()).as("dump of %s", m.group(1)).isEqualTo(v.bytes());
        }
        assertThat(dumps).isGreaterThanOrEqualTo(2);
    }

    @Test
    void everyErrorCodeIsInTheErrorTable() throws Exception {
        for (Field f : ErrorCode.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                assertThat(doc).as("error code %s", f.get(null)).contains("| `" + f.get(null) + "` |");
            }
        }
    }

    @Test
    void everyMessageTypeIsDocumented() {
        for (String type : List.of("hello", "join", "part", "say", "dm", "nick", "rooms", "who", "history", "peers",
                "ping", "pong", "quit", "welcome", "joined", "parted", "ok", "message", "member", "presence", "bye",
                "error", "beacon", "topic", "register", "login", "password", "unregister")) {
            assertThat(doc).as("type %s", type).contains("`" + type + "`");
        }
    }
}
