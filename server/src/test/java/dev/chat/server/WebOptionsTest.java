package dev.chat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.server.config.ServerConfig;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --web}, {@code --no-web} and {@code --web-origin} on the command line (docs/WEB.md). */
class WebOptionsTest {

    private static ServerConfig parse(String... args) {
        CommandLine cl = ServerMain.commandLine();
        cl.parseArgs(args);
        return cl.<ServerMain>getCommand().toConfig();
    }

    @Test
    void theWebIsOnByDefaultAndNoWebTurnsItOff() {
        assertThat(ServerConfig.builder().build().web()).isTrue();
        assertThat(parse("--web").web()).isTrue();
        assertThat(parse("--no-web").web()).isFalse();
    }

    @Test
    void webOriginIsRepeatableOrCommaSeparated() {
        ServerConfig c = parse("--web-origin", "http://chat.example:8080,https://chat.example", "--web-origin", "http://[::1]:7422");
        assertThat(c.webOrigins()).containsExactly("http://chat.example:8080", "https://chat.example", "http://[::1]:7422");
    }

    @Test
    void aBadOriginIsABadOption() {
        for (String bad : List.of("chat.example", "http://chat.example/path", "ftp://chat.example", "http://a b", "*")) {
            assertThatThrownBy(() -> parse("--web-origin", bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--web-origin");
        }
        assertThat(ServerMain.commandLine().execute("--web-origin", "chat.example")).isEqualTo(2);
    }
}
