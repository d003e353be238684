package dev.chat.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.testsupport.ChatClient;
import dev.chat.testsupport.ServerProcess;
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
 * The server as a real process killed with {@code kill -9} in the middle of a stream of
 * {@code say}s from several clients, then started again on the same store: every acknowledged
 * message is in the history, in order, numbered without gaps, none twice, and new messages
 * continue the numbering. With the default store (SQLite in the data directory) and with a real
 * PostgreSQL.
 */
@Timeout(300)
@ExtendWith(PostgresExtension.class)
class ServerRestartTest {
    static final String ROOM = "durable";
    static final int SENDERS = 4;
    static final int ACKED = 5_000;

    @TempDir
    Path tmp;

    @Test
    void sqliteKeepsEveryAcknowledgedMessageThroughKillNine() throws Exception {
        killMidStreamAndRestart("--data-dir", tmp.resolve("data").toString());
    }

    @Test
    void postgresKeepsEveryAcknowledgedMessageThroughKillNine(PostgresServer pg) throws Exception {
        killMidStreamAndRestart("--store", pg.url(pg.createDatabase()));
    }

    private void killMidStreamAndRestart(String... store) throws Exception {
        List<String> options = new ArrayList<>(List.of("--rate-limit", "0"));
        options.addAll(List.of(store));
        Set<String> acked = new HashSet<>();
        try (ServerProcess first = ServerProcess.start(options.toArray(String[]::new))) {
            List<SayingClient> senders = new ArrayList<>();
            for (int i = 0; i < SENDERS; i++) {
                senders.add(SayingClient.start(first.tcpPort(), "s" + i, ROOM, 16));
            }
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> senders.stream().mapToInt(SayingClient::ackedCount).sum() >= ACKED);
            assertThat(senders).as("still sending when killed").noneMatch(SayingClient::broken);
            first.kill();
            await().atMost(Duration.ofSeconds(30)).until(() -> senders.stream().allMatch(SayingClient::broken));
            int sent = 0;
            for (SayingClient s : senders) {
                acked.addAll(s.acked);
                sent += s.sent.get();
                assertThat(s.refused).as("nothing refused while the store works").isEmpty();
                s.close();
            }
            assertThat(acked).hasSizeGreaterThanOrEqualTo(ACKED);
            assertThat(sent).as("some were in flight at the kill").isGreaterThan(acked.size());
        }

        try (ServerProcess second = ServerProcess.start(options.toArray(String[]::new))) {
            List<ChatMessage> history = history(second.tcpPort(), ROOM);
            List<String> texts = history.stream().map(ChatMessage::text).toList();
            assertThat(new HashSet<>(texts)).as("none twice").hasSize(texts.size());
            assertThat(texts).as("every acknowledged message").containsAll(acked);
            for (int i = 0; i < history.size(); i++) {
                assertThat(history.get(i).seq()).as("in order, numbered 1, 2, 3... without gaps").isEqualTo(i + 1L);
            }
            for (int i = 0; i < SENDERS; i++) {
                String sender = "s" + i + "-";
                List<Integer> own = texts.stream().filter(t -> t.startsWith(sender))
                        .map(t -> Integer.parseInt(t.substring(sender.length()))).toList();
                assertThat(own).as("each sender's messages in the order it sent them").isSorted();
            }
            try (ChatClient c = ChatClient.registered(second.tcpPort(), "after")) {
                ServerMessage.Joined j = (ServerMessage.Joined) c.request(id -> new ClientMessage.Join(id, ROOM));
                assertThat(j.lastSeq()).as("the room's numbering after the restart").isEqualTo(history.size());
                assertThat(c.request(id -> new ClientMessage.Say(id, ROOM, "after the restart")))
                        .isInstanceOf(ServerMessage.Ok.class);
                ChatMessage m = c.await(ChatMessage.class, x -> x.text().equals("after the restart"));
                assertThat(m.seq()).as("new messages continue the numbering").isEqualTo(history.size() + 1L);
            }
        }
    }

    /** The room's whole history, page by page with {@code after_seq}. */
    static List<ChatMessage> history(int port, String room) throws Exception {
        List<ChatMessage> all = new ArrayList<>();
        try (ChatClient c = ChatClient.registered(port, "reader" + System.nanoTime() % 100_000)) {
            // a room's history is for its members
            assertThat(c.request(id -> new ClientMessage.Join(id, room))).isInstanceOf(ServerMessage.Joined.class);
            while (true) {
                long after = all.isEmpty() ? 0 : all.get(all.size() - 1).seq();
                ServerMessage.HistoryReply page = (ServerMessage.HistoryReply) c.request(
                        id -> new ClientMessage.History(id, room, after, ClientMessage.History.MAX_LIMIT));
                if (page.messages().isEmpty()) {
                    return all;
                }
                all.addAll(page.messages());
            }
        }
    }
}
