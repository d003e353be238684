package dev.chat.client.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.client.net.ServerAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownServersTest {
    private static final String FP1 = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU";
    private static final String FP2 = "SHA256:LCa0a2j/xo/5m0U8HTBBNBNCLXBkg7+g+YpeiGJm564";

    @TempDir
    Path dir;

    @Test
    void followsXdgConfigHomeThenHome() {
        assertThat(KnownServers.defaultFile(Map.of("XDG_CONFIG_HOME", "/cfg", "HOME", "/home/a"), "/x"))
                .isEqualTo(Path.of("/cfg/chat/known_servers"));
        assertThat(KnownServers.defaultFile(Map.of("XDG_CONFIG_HOME", "relative", "HOME", "/home/a"), "/x"))
                .as("a relative XDG_CONFIG_HOME is ignored, as the XDG spec says").isEqualTo(
                        Path.of("/home/a/.config/chat/known_servers"));
        assertThat(KnownServers.defaultFile(Map.of(), "/x")).isEqualTo(Path.of("/x/.config/chat/known_servers"));
    }

    @Test
    void remembersOnePerServerPrivatelyAndFindsItAgain() throws Exception {
        Path file = dir.resolve("new").resolve("known_servers");
        KnownServers k = new KnownServers(file);
        ServerAddress a = new ServerAddress("Chat.Example", 7443);
        assertThat(k.lookup(a)).isNull();
        assertThat(k.remember(a, FP1)).isEqualTo(new KnownServers.Entry(FP1, 3));
        assertThat(k.remember(a, FP2)).as("the first entry stays").isEqualTo(new KnownServers.Entry(FP1, 3));
        k.remember(new ServerAddress("::1", 7443), FP2);
        assertThat(Files.readAllLines(file)).endsWith("chat.example:7443 " + FP1, "[::1]:7443 " + FP2);
        assertThat(k.lookup(new ServerAddress("chat.example", 7443)).fingerprint()).isEqualTo(FP1);
        assertThat(k.lookup(new ServerAddress("chat.example", 7444))).isNull();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
    }

    @Test
    void skipsCommentsAndJunkAndAppendsAfterALastLineWithoutNewline() throws Exception {
        Path file = dir.resolve("known_servers");
        Files.writeString(file, "# mine\n\nnonsense\nh:1 not-a-fingerprint\nh:1 " + FP2);
        KnownServers k = new KnownServers(file);
        assertThat(k.lookup(new ServerAddress("h", 1))).isEqualTo(new KnownServers.Entry(FP2, 5));
        k.remember(new ServerAddress("g", 2), FP1);
        assertThat(Files.readAllLines(file)).endsWith("h:1 " + FP2, "g:2 " + FP1);
    }
}
