package dev.chat.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.ChatServer;
import dev.chat.server.config.ServerConfig;
import dev.chat.testsupport.ChatClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A room's moderation (topic, operators, bans, modes) kept by each store through a restart of the
 * server: SQLite in the data directory and a real PostgreSQL (docs/STORAGE.md, {@code rooms.attrs}).
 */
@Timeout(180)
@ExtendWith(PostgresExtension.class)
class ModerationStoreTest {
    @TempDir
    Path tmp;

    @Test
    void sqliteKeepsARoomsModeration() throws Exception {
        restartKeepsModeration(ServerConfig.forTests().toBuilder().store("sqlite").dataDir(tmp.resolve("data")).build());
    }

    @Test
    void postgresKeepsARoomsModeration(PostgresServer pg) throws Exception {
        restartKeepsModeration(ServerConfig.forTests().toBuilder().store(pg.url(pg.createDatabase()))
                .dataDir(tmp.resolve("pg")).build());
    }

    private static ChatServer start(ServerConfig config) throws Exception {
        return ChatServer.start(config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private static void stop(ChatServer s) throws Exception {
        s.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static ServerMessage loginOnceFree(ChatClient c, String nick) {
        ServerMessage[] got = new ServerMessage[1];
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            got[0] = c.request(id -> new ClientMessage.Login(id, nick, "pw-" + nick));
            return !(got[0] instanceof ServerMessage.Error e && e.code().equals("nick_taken"));
        });
        return got[0];
    }

    private void restartKeepsModeration(ServerConfig config) throws Exception {
        ChatServer server = start(config);
        try (ChatClient alice = ChatClient.connect(server.tcpPort()); ChatClient bob = ChatClient.connect(server.tcpPort())) {
            assertThat(alice.request(id -> new ClientMessage.Register(id, "alice", "pw-alice")))
                    .isInstanceOf(ServerMessage.Welcome.class);
            assertThat(bob.request(id -> new ClientMessage.Register(id, "bob", "pw-bob")))
                    .isInstanceOf(ServerMessage.Welcome.class);
            assertThat(((ServerMessage.Joined) alice.request(id -> new ClientMessage.Join(id, "kept"))).operators())
                    .containsExactly("alice");
            assertThat(bob.request(id -> new ClientMessage.Join(id, "kept"))).isInstanceOf(ServerMessage.Joined.class);
            for (ClientMessage m : new ClientMessage[] {new ClientMessage.Topic("1", "kept", "kept topic"),
                    new ClientMessage.Voice("2", "kept", "bob"), new ClientMessage.Ban("3", "kept", "spam*"),
                    new ClientMessage.Mode("4", "kept", false, true, true)}) {
                assertThat(alice.request(m)).as(m.type()).isInstanceOf(m instanceof ClientMessage.Topic
                        ? ServerMessage.Topic.class : ServerMessage.Ok.class);
            }
        } finally {
            stop(server);
        }
        server = start(config);
        try (ChatClient bob = ChatClient.connect(server.tcpPort())) {
            assertThat(loginOnceFree(bob, "bob")).isInstanceOf(ServerMessage.Welcome.class);
            ServerMessage.Joined j = (ServerMessage.Joined) bob.request(id -> new ClientMessage.Join(id, "kept"));
            assertThat(j.topic()).isEqualTo("kept topic");
            assertThat(j.operators()).as("alice is not here").isEmpty();
            assertThat(j.voiced()).containsExactly("bob");
            ServerMessage.Mode mode = (ServerMessage.Mode) bob.request(id -> new ClientMessage.Mode(id, "kept"));
            assertThat(mode.moderated()).isTrue();
            assertThat(mode.secret()).isTrue();
            assertThat(mode.inviteOnly()).isFalse();
            assertThat(mode.bans()).containsExactly("spam*");
            assertThat(bob.request(id -> new ClientMessage.Say(id, "kept", "voiced still"))).isInstanceOf(ServerMessage.Ok.class);
            ServerMessage.Topic t = (ServerMessage.Topic) bob.request(id -> new ClientMessage.Topic(id, "kept", null));
            assertThat(t.by()).isEqualTo("alice");
            try (ChatClient spam = ChatClient.registered(server.tcpPort(), "spammer")) {
                assertThat(((ServerMessage.Error) spam.request(id -> new ClientMessage.Join(id, "kept"))).code())
                        .isEqualTo("banned");
            }
        } finally {
            stop(server);
        }
    }
}
