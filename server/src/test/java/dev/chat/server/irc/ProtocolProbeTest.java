package dev.chat.server.irc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The one readable line for a client at the wrong port, both ways. */
class ProtocolProbeTest {

    @Test
    void ircAtTheFramedPortIsRecognisedAndTold() {
        for (String opening : new String[] {"CAP LS 302\r\n", "NICK alice\r\n", "user a 0 * :A\r\n", "PASS x\r\n"}) {
            byte[] b = opening.getBytes(StandardCharsets.US_ASCII);
            assertThat(ProtocolProbe.looksLikeIrc(b, 0, b.length)).as(opening).isTrue();
        }
        byte[] frame = {0, 0, 0, 38, '{'};
        assertThat(ProtocolProbe.looksLikeIrc(frame, 0, frame.length)).isFalse();
        byte[] partial = "NIC".getBytes(StandardCharsets.US_ASCII);
        assertThat(ProtocolProbe.looksLikeIrc(partial, 0, partial.length)).isFalse();
        assertThat(new String(ProtocolProbe.ircAtFramedPort(7420, 6667), StandardCharsets.UTF_8)).isEqualTo(
                "ERROR :This is the chat port (7420): it speaks the framed JSON protocol (docs/PROTOCOL.md). "
                        + "IRC clients connect to port 6667.\r\n");
        assertThat(new String(ProtocolProbe.ircAtFramedPort(7420, 0), StandardCharsets.UTF_8))
                .contains("the IRC port, if it is enabled (--irc-port)");
    }

    @Test
    void theLineForTheIrcPortNamesTheFramedPort() {
        assertThat(new String(ProtocolProbe.framedAtIrcPort(6667, 0), StandardCharsets.UTF_8))
                .endsWith("is on the server's chat port.\r\n");
    }
}
