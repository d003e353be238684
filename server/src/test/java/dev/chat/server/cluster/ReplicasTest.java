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
                .put(Wire.EPOCH, epoch).put(Wire.VER, ver).put(Wire.PE, epoch).put(Wire.CV, ver - 1).put(Wire.K, kind)
                .put(Wire.NODE, node).put(Wire.SESSION, session).put(Wire.NICKNAME, nick);
    }

    private static JsonObject msg(long ver, long seq, String text) {
        return msg(1, ver, seq, text);
    }

    private static JsonObject msg(long epoch, long ver, long seq, String text) {
        return event(epoch, ver, Wire.MSG, OWNER, 1, "ann").put(Wire.TEXT, text).put(Wire.TS, 1000L + seq)
                .put(Wire.SEQ, seq).put(Wire.RID, "rid-" + seq);
    }

    private static JsonObject commit(long epoch, long cv) {
        return Wire.op(Wire.COMMIT).put(Wire.ROOM, "lobby").put(Wire.OWNER, OWNER).put(Wire.EPOCH, epoch).put(Wire.CV, cv);
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
    void eventsAreHeldUntilTheOwnerSaysTheyAreCommittedAndThenReachOnlyThisNodesMembers() {
        assertThat(replicas.onEvent(event(1, 1, Wire.JOIN, OWNER, 1, "ann"))).isEqualTo(Replicas.HELD);
        assertThat(replicas.onEvent(event(1, 2, Wire.JOIN, SELF, 7, "bob"))).isEqualTo(Replicas.HELD);
        replicas.onEvent(msg(3, 1, "hello"));
        RoomReplica room = replicas.get("lobby");
        assertThat(room.version).isEqualTo(3);
        assertThat(room.committed).as("each event commits the ones before it").isEqualTo(2);
        assertThat(room.nicks()).containsExactly("ann", "bob");
        assertThat(deliveredTexts()).as("not committed: nobody sees it yet").isEmpty();
        assertThat(replicas.history().latest("lobby", 10)).isEmpty();

        replicas.onCommit(commit(1, 3));
        assertThat(room.committed).isEqualTo(3);
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
        replicas.onEvent(msg(2, 1, "first"));
        replicas.onCommit(commit(1, 3));
        assertThat(deliveredTexts()).containsExactly("first", "second");
        assertThat(replicas.get("lobby").early).isNull();
        assertThat(replicas.get("lobby").committed).isEqualTo(3);
    }

    @Test
    void duplicatesAreIgnoredAndALowerBallotIsRefused() {
        replicas.onEvent(event(1, 1, Wire.JOIN, SELF, 7, "bob"));
        replicas.onEvent(msg(2, 1, "once"));
        assertThat(replicas.onEvent(msg(2, 1, "once"))).isEqualTo(Replicas.HELD);
        replicas.onCommit(commit(1, 2));
        assertThat(deliveredTexts()).containsExactly("once");

        RoomReplica room = replicas.get("lobby");
        room.epoch = 2; // a new owner's sync: this node promised to follow it
        room.owner = "node-c";
        assertThat(replicas.onEvent(msg(3, 2, "from the old owner"))).isEqualTo(Replicas.STALE);
        replicas.onCommit(commit(1, 3));
        assertThat(deliveredTexts()).containsExactly("once");
    }

    @Test
    void aNewOwnersEventReplacesAnUncommittedOneAndCommitsStopWhereTheOwnersLogIsNotKnown() {
        replicas.onEvent(event(1, 1, Wire.JOIN, SELF, 7, "bob"));
        replicas.onEvent(msg(2, 1, "committed"));
        replicas.onEvent(msg(3, 2, "never committed"));
        replicas.onEvent(msg(4, 3, "never committed either").put(Wire.CV, 2L));
        RoomReplica room = replicas.get("lobby");
        assertThat(room.committed).isEqualTo(2);

        room.epoch = 2; // promised to the new owner (same node id here; the epoch is what counts)
        room.matched = room.committed;
        replicas.onCommit(commit(2, 4));
        assertThat(deliveredTexts()).as("versions 3 and 4 are not known to be the new owner's")
                .containsExactly("committed");

        assertThat(replicas.onEvent(msg(2, 3, 2, "the new owner's")
                .put(Wire.PE, 1L).put(Wire.CV, 2L))).isEqualTo(Replicas.HELD);
        assertThat(room.version).as("the old version 4 went with the replaced version 3").isEqualTo(3);
        replicas.onCommit(commit(2, 3));
        assertThat(deliveredTexts()).containsExactly("committed", "the new owner's");
        assertThat(replicas.history().latest("lobby", 10)).extracting(ChatMessage::text)
                .containsExactly("committed", "the new owner's");
    }

    @Test
    void aSnapshotIsTheCommittedStatePlusTheHeldTailAndFillsAGap() {
        replicas.onEvent(event(1, 1, Wire.JOIN, SELF, 7, "bob"));
        replicas.onEvent(msg(2, 1, "seen"));
        replicas.onCommit(commit(1, 2));
        replicas.onEvent(msg(7, 5, "after the gap")); // versions 3..6 missing
        assertThat(gaps).containsExactly("lobby");

        Replicas ownerSide = new Replicas(OWNER, 1, 100, new InMemoryHistory(100), (l, d) -> { }, s -> null);
        RoomReplica owner = ownerSide.getOrCreate("lobby", OWNER, 1);
        ownerSide.onEvent(event(1, 1, Wire.JOIN, SELF, 7, "bob"));
        ownerSide.onEvent(msg(2, 1, "seen"));
        ownerSide.onEvent(msg(3, 2, "missed one"));
        ownerSide.onEvent(msg(4, 3, "missed two"));
        ownerSide.onEvent(event(1, 5, Wire.JOIN, OWNER, 1, "ann"));
        ownerSide.onEvent(msg(6, 4, "held, not committed"));
        JsonObject snap = ownerSide.snapshot(owner);
        assertThat(snap.getLong(Wire.VER)).isEqualTo(5);
        assertThat(snap.getJsonArray(Wire.TAIL)).hasSize(1);

        assertThat(replicas.install(snap, false)).isTrue();
        RoomReplica room = replicas.get("lobby");
        assertThat(room.nicks()).containsExactly("bob", "ann");
        assertThat(room.version).as("version 6 from the tail, then the buffered 7").isEqualTo(7);
        assertThat(room.committed).as("version 7 says 6 is committed").isEqualTo(6);
        assertThat(deliveredTexts()).containsExactly("seen", "missed one", "missed two", "held, not committed");
        replicas.onCommit(commit(1, 7));
        assertThat(deliveredTexts()).containsExactly("seen", "missed one", "missed two", "held, not committed",
                "after the gap");
        assertThat(replicas.history().latest("lobby", 10)).extracting(ChatMessage::seq)
                .containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(replicas.install(snap, false)).as("an older snapshot changes nothing").isFalse();
    }

    @Test
    void anOwnersRollBackRestoresTheCommittedStateAndHoldsItsEvents() {
        RoomReplica room = replicas.getOrCreate("lobby", SELF, 1);
        room.owner = SELF;
        Ownership own = new Ownership(true);
        room.own = own;
        JsonObject join = event(1, 1, Wire.JOIN, SELF, 7, "bob").put(Wire.OWNER, SELF);
        room.version = 1;
        replicas.perform(room, replicas.mutate(room, join));
        room.committed = 1;
        JsonObject say = msg(2, 1, "maybe").put(Wire.OWNER, SELF);
        JsonObject part = event(1, 3, Wire.PART, SELF, 7, "bob").put(Wire.OWNER, SELF);
        for (JsonObject ev : List.of(say, part)) {
            room.version = ev.getLong(Wire.VER);
            own.unreleased.add(new Ownership.Pending(ev, replicas.mutate(room, ev), new JsonObject(), io.vertx.core.Promise.promise()));
        }
        assertThat(room.nicks()).isEmpty();
        assertThat(replicas.snapshot(room).getJsonArray(Wire.MEMBERS)).as("the committed members").hasSize(1);

        replicas.rollBack(room, own);
        assertThat(room.nicks()).containsExactly("bob");
        assertThat(room.lastSeq).isZero();
        assertThat(room.recent).doesNotContainKey("rid-1");
        assertThat(room.held).extracting(e -> e.getLong(Wire.VER)).containsExactly(2L, 3L);
        assertThat(deliveredTexts()).isEmpty();
    }

    @Test
    void aQuitForAConnectedLocalSessionIsReported() {
        replicas.onEvent(event(1, 1, Wire.JOIN, SELF, 7, "bob"));
        replicas.onEvent(event(1, 2, Wire.QUIT, SELF, 7, "bob"));
        replicas.onCommit(commit(1, 2));
        assertThat(dropped).containsExactly("7@lobby");
        assertThat(replicas.get("lobby").members).isEmpty();
    }
}
