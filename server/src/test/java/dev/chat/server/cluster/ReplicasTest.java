package dev.chat.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.server.core.Delivery;
import dev.chat.server.rooms.InMemoryHistory;
import dev.chat.server.core.Recipient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A node's copy of the rooms: events applied in the owner's order, gaps filled by snapshots. */
class ReplicasTest {
    private static final String SELF = "node-b";
    private static final String OWNER = "node-a";

    /** A local session that records what reaches it. */
    private record Session(long sessionId, int lane) implements Recipient {
    }

    private final Map<Long, Recipient> locals = new HashMap<>();
    private final List<Delivery> deliveries = new ArrayList<>();
    private final List<String> gaps = new ArrayList<>();
    private final List<String> dropped = new ArrayList<>();
    private final Replicas replicas = new Replicas(SELF, 2, 100, new InMemoryHistory(100),
            (loop, d) -> deliveries.add(d), locals::get);

    ReplicasTest() {
        replicas.onGap(room -> gaps.add(room.name));
        replicas.onDropped((session, room) -> dropped.add(session + "@" + room));
        locals.put(7L, new Session(7, 1));
    }

    private static JsonObject event(long epoch, long ver, String kind, String node, long session, String nick) {
        return new JsonObject().put(Wire.OP, Wire.EVENT).put(Wire.ROOM, "lobby").put(Wire.OWNER, OWNER)
                .put(Wire.EPOCH, epoch).put(Wire.VER, ver).put(Wire.K, kind).put(Wire.NODE, node)
                .put(Wire.SESSION, session).put(Wire.NICKNAME, nick);
    }

    private static JsonObject msg(long ver, long seq, String text) {
        return event(1, ver, Wire.MSG, OWNER, 1, "ann").put(Wire.TEXT, text).put(Wire.TS, 1000L + seq)
                .put(Wire.SEQ, seq).put(Wire.RID, "rid-" + seq);
    }

    private List<String> deliveredTexts() {
        List<String> out = new ArrayList<>();
        for (Delivery d : deliveries) {
            if (d.chat()) {
                ServerMessage m = decode(d.frame());
                out.add(((ChatMessage) m).text());
            }
        }
        return out;
    }

    private static ServerMessage decode(byte[] frame) {
        try {
            return MessageCodec.decodeServer(Arrays.copyOfRange(frame, 4, frame.length));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void eventsInOrderChangeTheRoomAndReachOnlyThisNodesMembers() {
        assertThat(replicas.onEvent(event(1, 1, Wire.JOIN, OWNER, 1, "ann"))).isTrue();
        assertThat(replicas.onEvent(event(1, 2, Wire.JOIN, SELF, 7, "bob"))).isTrue();
        assertThat(deliveries).as("nobody here before bob; bob does not get his own join").isEmpty();
        replicas.onEvent(msg(3, 1, "hello"));

        RoomReplica room = replicas.get("lobby");
        assertThat(room.nicks()).containsExactly("ann", "bob");
        assertThat(room.version).isEqualTo(3);
        assertThat(room.lastSeq).isEqualTo(1);
        assertThat(room.recent).containsEntry("rid-1", 1L);
        assertThat(deliveries).hasSize(1);
        assertThat(deliveries.get(0).to()).containsExactly(locals.get(7L));
        assertThat(deliveredTexts()).containsExactly("hello");
        assertThat(replicas.history().latest("lobby", 10)).extracting(ChatMessage::text).containsExactly("hello");
        assertThat(gaps).isEmpty();
    }

    @Test
    void aGapIsBufferedUntilTheMissingEventArrives() {
        replicas.onEvent(event(1, 1, Wire.JOIN, SELF, 7, "bob"));
        replicas.onEvent(msg(3, 2, "second"));
        assertThat(gaps).containsExactly("lobby");
        assertThat(deliveredTexts()).isEmpty();
        replicas.onEvent(msg(2, 1, "first"));
        assertThat(deliveredTexts()).containsExactly("first", "second");
        assertThat(replicas.get("lobby").early).isNull();
        assertThat(replicas.get("lobby").version).isEqualTo(3);
    }

    @Test
    void duplicatesAreIgnoredAndAReplacedOwnerIsRefused() {
        replicas.onEvent(event(1, 1, Wire.JOIN, SELF, 7, "bob"));
        replicas.onEvent(msg(2, 1, "once"));
        assertThat(replicas.onEvent(msg(2, 1, "once"))).isTrue();
        assertThat(deliveredTexts()).containsExactly("once");

        RoomReplica room = replicas.get("lobby");
        room.epoch = 2; // a new owner fenced the room (sync)
        room.owner = "node-c";
        assertThat(replicas.onEvent(msg(3, 2, "from the old owner"))).isFalse();
        assertThat(deliveredTexts()).containsExactly("once");
    }

    @Test
    void aNewerSnapshotReplacesTheStateAndDeliversWhatWasMissed() {
        replicas.onEvent(event(1, 1, Wire.JOIN, SELF, 7, "bob"));
        replicas.onEvent(msg(2, 1, "seen"));
        replicas.onEvent(msg(6, 4, "after the gap")); // versions 3..5 missing
        assertThat(gaps).containsExactly("lobby");

        Replicas ownerSide = new Replicas(OWNER, 1, 100, new InMemoryHistory(100), (l, d) -> { }, s -> null);
        RoomReplica owner = ownerSide.getOrCreate("lobby", OWNER, 1);
        ownerSide.onEvent(event(1, 1, Wire.JOIN, SELF, 7, "bob"));
        ownerSide.onEvent(msg(2, 1, "seen"));
        ownerSide.onEvent(msg(3, 2, "missed one"));
        ownerSide.onEvent(msg(4, 3, "missed two"));
        ownerSide.onEvent(event(1, 5, Wire.JOIN, OWNER, 1, "ann"));
        JsonObject snap = ownerSide.snapshot(owner);

        assertThat(replicas.install(snap, false)).isTrue();
        RoomReplica room = replicas.get("lobby");
        assertThat(room.nicks()).containsExactly("bob", "ann");
        assertThat(room.version).isEqualTo(6); // version 6 was buffered and applied after the snapshot
        assertThat(deliveredTexts()).containsExactly("seen", "missed one", "missed two", "after the gap");
        assertThat(replicas.history().latest("lobby", 10)).extracting(ChatMessage::seq).containsExactly(1L, 2L, 3L, 4L);
        assertThat(room.recent).containsKeys("rid-2", "rid-3");
        assertThat(replicas.install(snap, false)).as("an older snapshot changes nothing").isFalse();
    }

    @Test
    void aQuitForAConnectedLocalSessionIsReported() {
        replicas.onEvent(event(1, 1, Wire.JOIN, SELF, 7, "bob"));
        replicas.onEvent(event(1, 2, Wire.QUIT, SELF, 7, "bob"));
        assertThat(dropped).containsExactly("7@lobby");
        assertThat(replicas.get("lobby").members).isEmpty();
    }
}
