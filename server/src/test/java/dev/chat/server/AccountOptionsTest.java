package dev.chat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.server.config.ServerConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code --require-account}, {@code --allow-plaintext-passwords}, {@code --max-connections-per-ip}
 * and {@code --max-pending-per-ip} on the command line (docs/PROTOCOL.md).
 */
class AccountOptionsTest {

    private static ServerConfig parse(String... args) {
        CommandLine cl = ServerMain.commandLine();
        cl.parseArgs(args);
        return cl.<ServerMain>getCommand().toConfig();
    }

    @Test
    void defaultsAreGuestsWelcomePasswordsOnlyOverTlsOrLoopbackAnd64PerAddress() {
        ServerConfig c = ServerConfig.builder().build();
        assertThat(c.requireAccount()).isFalse();
        assertThat(c.allowPlaintextPasswords()).isFalse();
        assertThat(c.maxConnectionsPerIp()).isEqualTo(64);
        assertThat(c.maxPendingPerIp()).isEqualTo(16);
    }

    @Test
    void theOptionsAreRead() {
        ServerConfig c = parse("--require-account", "--allow-plaintext-passwords", "--max-connections-per-ip", "11000",
                "--max-pending-per-ip", "500");
        assertThat(c.requireAccount()).isTrue();
        assertThat(c.allowPlaintextPasswords()).isTrue();
        assertThat(c.maxConnectionsPerIp()).isEqualTo(11000);
        assertThat(c.maxPendingPerIp()).isEqualTo(500);
    }

    @Test
    void badValuesAreBadOptions() {
        assertThatThrownBy(() -> parse("--max-connections-per-ip", "0")).hasMessageContaining("--max-connections-per-ip");
        assertThatThrownBy(() -> parse("--max-pending-per-ip", "-1")).hasMessageContaining("--max-pending-per-ip");
        assertThat(ServerMain.commandLine().execute("--max-connections-per-ip", "0")).isEqualTo(2);
    }
}
