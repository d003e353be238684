package dev.chat.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Target parsing and the loopback-only rule (checked without sending anything anywhere). */
class ServerAddressTest {

    @Test
    void parsesLoopbackTargets() {
        assertThat(ServerAddress.parse("127.0.0.1:7420", false).socket().getPort()).isEqualTo(7420);
        assertThat(ServerAddress.parse("127.0.0.2:1", false).socket().getAddress().isLoopbackAddress()).isTrue();
        assertThat(ServerAddress.parse("localhost:7420", false).socket().getAddress().isLoopbackAddress()).isTrue();
        assertThat(ServerAddress.parse("[::1]:7420", false).socket().getAddress().isLoopbackAddress()).isTrue();
        assertThat(ServerAddress.parseAll(List.of("127.0.0.1:1", "127.0.0.1:2"), false)).hasSize(2);
    }

    @Test
    void refusesOtherAddressesUnlessAllowed() {
        assertThatThrownBy(() -> ServerAddress.parse("192.0.2.1:7420", false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--allow-remote");
        // names other than localhost are refused before any lookup
        assertThatThrownBy(() -> ServerAddress.parse("chat.example:7420", false))
                .hasMessageContaining("--allow-remote");
        assertThat(ServerAddress.parse("192.0.2.1:7420", true).socket().getPort()).isEqualTo(7420);
    }

    @Test
    void rejectsMalformedAddresses() {
        for (String bad : new String[] {"127.0.0.1", "127.0.0.1:", ":7420", "127.0.0.1:x", "127.0.0.1:0",
            "127.0.0.1:70000", "::1:7420"}) {
            assertThatThrownBy(() -> ServerAddress.parse(bad, false)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
