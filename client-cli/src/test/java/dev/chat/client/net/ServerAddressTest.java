package dev.chat.client.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServerAddressTest {

    @Test
    void parsesHostPortAndBracketedIpv6() {
        assertThat(ServerAddress.parse("chat.lan:7420")).isEqualTo(new ServerAddress("chat.lan", 7420));
        assertThat(ServerAddress.parse("[::1]:80")).isEqualTo(new ServerAddress("::1", 80));
        assertThat(new ServerAddress("::1", 80)).hasToString("[::1]:80");
    }

    @Test
    void rejectsWhatIsNotHostPort() {
        assertThatThrownBy(() -> ServerAddress.parse("nohost")).hasMessageContaining("not host:port");
        assertThatThrownBy(() -> ServerAddress.parse("h:")).hasMessageContaining("not host:port");
        assertThatThrownBy(() -> ServerAddress.parse(":1")).hasMessageContaining("not host:port");
        assertThatThrownBy(() -> ServerAddress.parse("h:x")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> ServerAddress.parse("h:70000")).hasMessageContaining("1 to 65535");
        assertThatThrownBy(() -> ServerAddress.parse("::1:80")).hasMessageContaining("brackets");
    }
}
