package dev.chat.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The requests, replies and events of room operators (topic, op, kick, ban, mode, invite): decoding, checks, round trips. */
class ModerationCodecTest {

    private static ClientMessage client(String json) throws ProtocolException {
        return MessageCodec.decodeClient(json.getBytes(UTF_8));
    }

    private static String invalid(String json) {
        try {
            client(json);
            return "accepted";
        } catch (ProtocolException e) {
            assertThat(e.code()).as(json).isEqualTo(ErrorCode.INVALID);
            return e.getMessage();
        }
    }

    @Test
    void requestsDecodeWithNormalisedRooms() throws Exception {
        assertThat(client("{\"type\":\"topic\",\"id\":1,\"room\":\"#Ops\"}"))
                .isEqualTo(new ClientMessage.Topic(1L, "ops", null));
        assertThat(client("{\"type\":\"topic\",\"room\":\"ops\",\"topic\":\"\"}"))
                .isEqualTo(new ClientMessage.Topic(null, "ops", ""));
        assertThat(client("{\"type\":\"op\",\"room\":\"ops\",\"nick\":\"bob\"}"))
                .isEqualTo(new ClientMessage.Op(null, "ops", "bob"));
        assertThat(client("{\"type\":\"deop\",\"room\":\"ops\",\"nick\":\"bob\"}"))
                .isEqualTo(new ClientMessage.Deop(null, "ops", "bob"));
        assertThat(client("{\"type\":\"voice\",\"room\":\"ops\",\"nick\":\"bob\"}"))
                .isEqualTo(new ClientMessage.Voice(null, "ops", "bob"));
        assertThat(client("{\"type\":\"devoice\",\"room\":\"ops\",\"nick\":\"bob\"}"))
                .isEqualTo(new ClientMessage.Devoice(null, "ops", "bob"));
        assertThat(client("{\"type\":\"kick\",\"room\":\"ops\",\"nick\":\"bob\"}"))
                .isEqualTo(new ClientMessage.Kick(null, "ops", "bob", null));
        assertThat(client("{\"type\":\"ban\",\"room\":\"ops\",\"mask\":\"b?b*\"}"))
                .isEqualTo(new ClientMessage.Ban(null, "ops", "b?b*"));
        assertThat(client("{\"type\":\"unban\",\"room\":\"ops\",\"mask\":\"*\"}"))
                .isEqualTo(new ClientMessage.Unban(null, "ops", "*"));
        ClientMessage.Mode ask = (ClientMessage.Mode) client("{\"type\":\"mode\",\"room\":\"ops\"}");
        assertThat(ask.asks()).isTrue();
        assertThat(client("{\"type\":\"mode\",\"room\":\"ops\",\"secret\":true,\"moderated\":false}"))
                .isEqualTo(new ClientMessage.Mode(null, "ops", null, false, true));
        assertThat(client("{\"type\":\"invite\",\"room\":\"ops\",\"nick\":\"bob\"}"))
                .isEqualTo(new ClientMessage.Invite(null, "ops", "bob"));
    }

    @Test
    void badInputIsInvalidAndNamesTheField() {
        assertThat(invalid("{\"type\":\"topic\"}")).contains("'room'");
        assertThat(invalid("{\"type\":\"topic\",\"room\":\"a\",\"topic\":5}")).contains("'topic'");
        assertThat(invalid("{\"type\":\"topic\",\"room\":\"a\",\"topic\":\"" + "x".repeat(391) + "\"}"))
                .contains("'topic'").contains("390");
        assertThat(invalid("{\"type\":\"topic\",\"room\":\"a\",\"topic\":\"" + "x".repeat(390) + "\"}"))
                .isEqualTo("accepted");
        assertThat(invalid("{\"type\":\"op\",\"room\":\"a\"}")).contains("'nick'");
        assertThat(invalid("{\"type\":\"kick\",\"room\":\"a\",\"nick\":\"b c\"}")).contains("'nick'");
        assertThat(invalid("{\"type\":\"kick\",\"room\":\"a\",\"nick\":\"b\",\"reason\":\"" + "r".repeat(401) + "\"}"))
                .contains("'reason'");
        assertThat(invalid("{\"type\":\"ban\",\"room\":\"a\"}")).contains("'mask'");
        assertThat(invalid("{\"type\":\"ban\",\"room\":\"a\",\"mask\":\"\"}")).contains("'mask'");
        assertThat(invalid("{\"type\":\"ban\",\"room\":\"a\",\"mask\":\"a!b@c\"}")).contains("'mask'");
        assertThat(invalid("{\"type\":\"unban\",\"room\":\"a\",\"mask\":\"" + "a".repeat(65) + "\"}")).contains("'mask'");
        assertThat(invalid("{\"type\":\"mode\",\"room\":\"a\",\"secret\":\"yes\"}")).contains("'secret'");
        assertThat(invalid("{\"type\":\"mode\",\"room\":\"a\",\"invite_only\":1}")).contains("'invite_only'");
        assertThat(invalid("{\"type\":\"invite\",\"room\":\"a\",\"nick\":7}")).contains("'nick'");
    }

    @Test
    void masksMatchNicksIgnoringCase() {
        assertThat(Names.maskMatches("bob", "BOB")).isTrue();
        assertThat(Names.maskMatches("b?b", "bab")).isTrue();
        assertThat(Names.maskMatches("b?b", "bb")).isFalse();
        assertThat(Names.maskMatches("spam*", "spammer1")).isTrue();
        assertThat(Names.maskMatches("*mer*", "spammer1")).isTrue();
        assertThat(Names.maskMatches("*", "anyone")).isTrue();
        assertThat(Names.maskMatches("a*b*c", "aXbYbZc")).isTrue();
        assertThat(Names.maskMatches("a*b*c", "aXbYbZ")).isFalse();
        assertThat(Names.maskMatches("bob", "bobby")).isFalse();
    }

    @Test
    void repliesAndEventsRoundTrip() throws Exception {
        List<ServerMessage> all = List.of(
                new ServerMessage.Joined(1L, "ops", List.of("alice", "bob"), 7, "release", List.of("alice"),
                        List.of("bob")),
                new ServerMessage.Joined(2L, "ops", List.of("alice"), 7),
                new ServerMessage.WhoReply(3L, "ops", List.of("alice", "bob"), List.of("alice"), List.of()),
                new ServerMessage.Member("ops", "bob", ServerMessage.Member.KICK, null, "spam", "alice"),
                new ServerMessage.Mode(4L, "ops", true, false, true, List.of("alice"), List.of("bob"), List.of("x*")),
                ServerMessage.ModeChange.inviteOnly("ops", "alice", true),
                ServerMessage.ModeChange.moderated("ops", "alice", false),
                ServerMessage.ModeChange.secret("ops", "alice", true),
                ServerMessage.ModeChange.ban("ops", "alice", "x*"),
                ServerMessage.ModeChange.unban("ops", "alice", "x*"),
                new ServerMessage.Invited("ops", "alice"),
                new ServerMessage.Topic(null, "ops", "release", "alice", 5L));
        for (ServerMessage m : all) {
            assertThat(MessageCodec.decodeServer(MessageCodec.encode(m))).isEqualTo(m);
        }
        for (ClientMessage m : List.of(new ClientMessage.Kick(1L, "ops", "bob", "spam"),
                new ClientMessage.Mode(2L, "ops", true, null, false), new ClientMessage.Topic(3L, "ops", ""))) {
            assertThat(MessageCodec.decodeClient(MessageCodec.encode(m))).isEqualTo(m);
        }
    }

    @Test
    void aModeEventHasExactlyOneChange() {
        assertThatThrownBy(() -> MessageCodec.decodeServer(
                "{\"type\":\"mode\",\"room\":\"a\",\"by\":\"x\",\"secret\":true,\"ban\":\"y\"}".getBytes(UTF_8)))
                .isInstanceOf(InvalidMessageException.class);
    }
}
