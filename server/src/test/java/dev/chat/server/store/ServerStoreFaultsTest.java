package dev.chat.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.testsupport.ChatClient;
import dev.chat.testsupport.ServerProcess;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store failing under a running server process, as an operator meets it: PostgreSQL
 * restarted while clients send, and the data directory's disk filling up. Meanwhile {@code say}
 * is answered {@code unavailable} (never a false {@code ok}), {@code /health} says
 * {@code degraded} and reads keep working; afterwards the server recovers by itself, and every
 * acknowledged message is in the history exactly once.
 */
@Timeout(300)
@ExtendWith(PostgresExtension.class)
class ServerStoreFaultsTest {
    static final String ROOM = "faults";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    @Test
    void postgresRestartedWhileClientsSend(PostgresServer pg) throws Exception {
        try (ServerProcess server = ServerProcess.start("--rate-limit", "0", "--store", pg.url(pg.createDatabase()))) {
            List<SayingClient> senders = senders(server, 3, 0);
            awaitAcked(senders, 500);
            pg.stop();
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> refused(senders) > 0);
                assertThat(health(server).getString("status")).isEqualTo("degraded");
                assertThat(health(server).getJsonObject("store").getString("last_error_kind")).isEqualTo("connection");
            } finally {
                pg.start();
            }
            int before = acked(senders);
            awaitAcked(senders, before + 500); // recovered by itself
            await().atMost(Duration.ofSeconds(30)).until(() -> health(server).getString("status").equals("up"));
            stopAndCheck(server, senders);
        }
    }

    @Test
    void aFullDiskAnswersUnavailableKeepsReadsAndRecovers() throws Exception {
        // Big enough that the space the filler gives back outlasts the rest of the test: to
        // catch up, the store copies the WAL (which grew while the disk was full) into the
        // database file while the senders keep writing, so for a while it needs room for both.
        // With 8 MiB the freed 4-5 MiB filled again within half a second, and /health rightly
        // went back to degraded.
        try (Tmpfs disk = Tmpfs.mount(tmp.resolve("small"), "size=32m");
             ServerProcess server = ServerProcess.start("--rate-limit", "0", "--data-dir",
                     disk.dir().resolve("data").toString())) {
            List<SayingClient> senders = senders(server, 2, 1_000);
            awaitAcked(senders, 200);
            Path filler = disk.dir().resolve("filler");
            fill(filler);
            try {
                await().atMost(Duration.ofSeconds(120)).until(() -> refused(senders) > 0);
                for (SayingClient s : senders) {
                    assertThat(new HashSet<>(s.refused.values())).as("the code of a store failure")
                            .containsOnly(ErrorCode.UNAVAILABLE);
                }
                JsonObject h = health(server);
                assertThat(h.getString("status")).isEqualTo("degraded");
                assertThat(h.getJsonObject("store").getString("last_error_kind")).isEqualTo("disk_full");
                assertThat(metrics(server)).contains("chat_store_degraded 1");
                assertThat(metrics(server)).containsPattern("chat_store_errors_total\\{kind=\"disk_full\"} [1-9]");
                try (ChatClient reader = ChatClient.registered(server.tcpPort(), "reader")) {
                    reader.request(id -> new ClientMessage.Join(id, ROOM)); // history is for members
                    ServerMessage.HistoryReply r = (ServerMessage.HistoryReply) reader.request(
                            id -> new ClientMessage.History(id, ROOM, null, 10));
                    assertThat(r.messages()).as("reads keep working").hasSize(10);
                }
            } finally {
                Files.delete(filler);
            }
            int before = acked(senders);
            awaitAcked(senders, before + 200); // space is back: writes work again by themselves
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> health(server).getString("status").equals("up"));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("/health did not return to up: " + health(server) + "\nserver stderr:\n"
                        + server.stderr(), e);
            }
            stopAndCheck(server, senders);
        }
    }

    private static List<SayingClient> senders(ServerProcess server, int n, int pad) throws IOException {
        List<SayingClient> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(SayingClient.start(server.tcpPort(), "f" + i, ROOM, 8, pad));
        }
        return out;
    }

    private static int acked(List<SayingClient> senders) {
        return senders.stream().mapToInt(SayingClient::ackedCount).sum();
    }

    private static int refused(List<SayingClient> senders) {
        return senders.stream().mapToInt(s -> s.refused.size()).sum();
    }

    private static void awaitAcked(List<SayingClient> senders, int n) {
        await().atMost(Duration.ofSeconds(120)).until(() -> acked(senders) >= n);
    }

    /** Stops the senders; every acknowledged message is in the history once, in each sender's order. */
    private static void stopAndCheck(ServerProcess server, List<SayingClient> senders) throws Exception {
        Set<String> acked = new HashSet<>();
        for (SayingClient s : senders) {
            s.stop();
            acked.addAll(s.acked);
            s.close();
        }
        List<ChatMessage> history = ServerRestartTest.history(server.tcpPort(), ROOM);
        List<String> ids = history.stream().map(m -> m.text().split(" ", 2)[0]).toList();
        assertThat(new HashSet<>(ids)).as("none twice").hasSize(ids.size());
        assertThat(ids).as("every acknowledged message").containsAll(acked);
        assertThat(history).extracting(ChatMessage::seq).as("in seq order").isSorted();
    }

    /** Writes zeros to {@code file} until the disk is full. */
    private static void fill(Path file) throws IOException {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
    }

    static JsonObject health(ServerProcess server) throws Exception {
        return new JsonObject(get(server, "/health"));
    }

    static String metrics(ServerProcess server) throws Exception {
        return get(server, "/metrics");
    }

    private static String get(ServerProcess server, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }
}
