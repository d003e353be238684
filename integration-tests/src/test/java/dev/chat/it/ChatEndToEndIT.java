package dev.chat.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.it.lab.Command;
import dev.chat.it.lab.ComposeLab;
import dev.chat.it.lab.LabExtension;
import dev.chat.it.lab.LanClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 1: people on their own hosts of the LAN chat through a server container with the
 * real client in script mode, as a script or a user piping lines would: what one types, the
 * other reads, in one order, with Unicode intact.
 */
@ExtendWith(LabExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ChatEndToEndIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void twoUsersOnTheirOwnHostsTalkThroughAServerContainer(ComposeLab lab) {
        String greeting = "hello bob, ça va? \uD83D\uDC4B 你好";
        LanClient alice = LanClient.start(lab, "alice", "--host", "chat1", "--nick", "alice", "--room", "lobby",
                "--json", "--trace").awaitJoined(WAIT);
        LanClient bob = LanClient.start(lab, "bob", "--host", "chat1", "--nick", "bob", "--room", "#Lobby",
                "--trace").awaitJoined(WAIT);
        alice.awaitEvent("bob joining", e -> e.path("type").asText().equals("member")
                && e.path("nick").asText().equals("bob") && e.path("event").asText().equals("join"), WAIT);

        alice.type(greeting);
        bob.awaitLine("alice's greeting", ("#lobby <alice> " + greeting)::equals, WAIT);
        bob.type("fine, alice");
        alice.awaitEvent("bob's answer", e -> isMessage(e, "bob", "fine, alice"), WAIT);

        // a third user sends one line and leaves: exit 0 once the server acknowledged it
        Command.Result carol = LanClient.start(lab, "carol", "--host", "chat1", "--nick", "carol", "--room", "lobby",
                "--send", "carol was here").await(WAIT);
        assertThat(carol.exit()).as("carol's --send exit code; stderr: " + carol.err()).isZero();
        alice.awaitEvent("carol's line", e -> isMessage(e, "carol", "carol was here"), WAIT);
        bob.awaitLine("carol's line", "#lobby <carol> carol was here"::equals, WAIT);

        // alice saw her own message and the two others in one strictly increasing seq order
        List<JsonNode> messages = alice.events().stream().filter(e -> e.path("type").asText().equals("message")).toList();
        assertThat(messages).extracting(e -> e.path("from").asText()).containsExactly("alice", "bob", "carol");
        assertThat(messages).extracting(e -> e.path("room").asText()).containsOnly("lobby");
        assertThat(messages.get(0).path("text").asText()).isEqualTo(greeting);
        long s0 = messages.get(0).path("seq").asLong();
        assertThat(messages).extracting(e -> e.path("seq").asLong()).containsExactly(s0, s0 + 1, s0 + 2);
        // bob prints others' messages, not his own
        assertThat(bob.lines()).containsExactly("#lobby <alice> " + greeting, "#lobby <carol> carol was here");

        alice.endInput();
        bob.endInput();
        assertThat(alice.await(WAIT).exit()).as("alice exits once her lines are acknowledged").isZero();
        assertThat(bob.await(WAIT).exit()).as("bob exits once his lines are acknowledged").isZero();
    }

    private static boolean isMessage(JsonNode e, String from, String text) {
        return e.path("type").asText().equals("message") && e.path("from").asText().equals(from)
                && e.path("text").asText().equals(text);
    }
}
