package dev.chat.server.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage.Hello;
import dev.chat.protocol.ClientMessage.Join;
import dev.chat.protocol.ClientMessage.Who;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.config.ServerConfig;
import dev.chat.server.rooms.LocalRooms;
import dev.chat.server.store.Stores;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hub's rules that no client can trigger on purpose: a failing backend, a deadline that passed. */
class HubTest {
    private record Who1(long sessionId, int lane) implements Recipient {
    }

    private final ServerConfig config = ServerConfig.forTests();
    private final List<Delivery> sent = new ArrayList<>();
    private final Outbox outbox = (lane, d) -> sent.add(d);

    private static ServerMessage answer(Future<ServerMessage> f) {
        assertThat(f.isComplete()).as("a single-node answer is immediate").isTrue();
        return f.result();
    }

    private static long later() {
        return System.nanoTime() + 10_000_000_000L;
    }

    @Test
    void aBackendThatThrowsIsAnsweredInternalAndTheHubGoesOn() {
        LocalRooms rooms = new LocalRooms(config, new Lanes(2, 1), Stores.memory(config.storeConfig()), 0, outbox, () -> 1L);
        HubBackend failing = new ForwardingBackend(rooms) {
            @Override
            public Future<RoomView> join(Participant me, String room, long deadline) {
                if (room.equals("boom")) {
                    throw new IllegalStateException("a defect");
                }
                return super.join(me, room, deadline);
            }

            @Override
            public List<String> who(String room) {
                throw new IllegalStateException("another defect");
            }
        };
        Hub hub = new Hub(config, "n", failing, outbox, () -> 1L);
        Recipient a = new Who1(1, 0);
        assertThat(answer(hub.handle(a, new Hello(1, "alice"), later()))).isInstanceOf(ServerMessage.Welcome.class);
        ServerMessage boom = answer(hub.handle(a, new Join(2, "boom"), later()));
        assertThat(boom).isEqualTo(new ServerMessage.Error(2, ErrorCode.INTERNAL, Refusal.INTERNAL.text(null)));
        ServerMessage who = answer(hub.handle(a, new Who(3, "x"), later()));
        assertThat(((ServerMessage.Error) who).code()).isEqualTo(ErrorCode.INTERNAL);
        // nothing was left half done: the session is still served, and the failed join did not count
        assertThat(answer(hub.handle(a, new Join(4, "fine"), later()))).isInstanceOf(ServerMessage.Joined.class);
        assertThat(hub.participant(a).rooms()).containsExactly("fine");
    }

    @Test
    void aRequestWhoseDeadlinePassedIsRefusedAndNotApplied() {
        Hub hub = new Hub(config, "n", new LocalRooms(config, new Lanes(2, 1), Stores.memory(config.storeConfig()), 0, outbox, () -> 1L),
                outbox, () -> 1L);
        Recipient a = new Who1(1, 0);
        ServerMessage late = answer(hub.handle(a, new Hello(1, "alice"), System.nanoTime() - 1));
        assertThat(((ServerMessage.Error) late).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(hub.participant(a)).as("not registered").isNull();
        assertThat(answer(hub.handle(a, new Hello(2, "alice"), later()))).isInstanceOf(ServerMessage.Welcome.class);
    }

    @Test
    void aHubWithoutAccountsRefusesThemAsUnsupported() {
        Hub hub = new Hub(config, "n", new LocalRooms(config, new Lanes(2, 1), Stores.memory(config.storeConfig()), 0, outbox, () -> 1L),
                outbox, () -> 1L);
        Recipient a = new Who1(1, 0);
        ServerMessage refused = answer(hub.handle(a, new dev.chat.protocol.ClientMessage.Register(1, "alice", "pw"), later()));
        assertThat(((ServerMessage.Error) refused).code()).isEqualTo(ErrorCode.UNSUPPORTED);
        assertThat(((ServerMessage.Error) refused).message()).contains("no accounts").doesNotContain("pw");
        assertThat(hub.participant(a)).as("not registered").isNull();
        ServerMessage login = answer(hub.handle(a, new Hello(2, "alice", "pw"), later()));
        assertThat(((ServerMessage.Error) login).code()).isEqualTo(ErrorCode.UNSUPPORTED);
        assertThat(answer(hub.handle(a, new Hello(3, "alice"), later()))).as("guests as before")
                .isInstanceOf(ServerMessage.Welcome.class);
    }

    /** Passes everything to another backend. */
    private static class ForwardingBackend implements HubBackend {
        private final HubBackend to;

        ForwardingBackend(HubBackend to) {
            this.to = to;
        }

        @Override
        public Future<Boolean> claimNick(Recipient who, String key, long deadline) {
            return to.claimNick(who, key, deadline);
        }

        @Override
        public void releaseNick(Recipient who, String key) {
            to.releaseNick(who, key);
        }

        @Override
        public void registered(Participant p) {
            to.registered(p);
        }

        @Override
        public Future<RoomView> join(Participant me, String room, long deadline) {
            return to.join(me, room, deadline);
        }

        @Override
        public Future<Void> part(Participant me, String room, long deadline) {
            return to.part(me, room, deadline);
        }

        @Override
        public Future<Void> say(Participant me, String room, String text, long deadline) {
            return to.say(me, room, text, deadline);
        }

        @Override
        public Future<Void> dmElsewhere(Participant me, String toKey, String toNick, String text, long deadline) {
            return to.dmElsewhere(me, toKey, toNick, text, deadline);
        }

        @Override
        public void renamed(Participant me, String oldNick) {
            to.renamed(me, oldNick);
        }

        @Override
        public List<String> who(String room) {
            return to.who(room);
        }

        @Override
        public List<ServerMessage.RoomInfo> rooms() {
            return to.rooms();
        }

        @Override
        public Future<List<ServerMessage.ChatMessage>> history(String room, Long afterSeq, int limit) {
            return to.history(room, afterSeq, limit);
        }

        @Override
        public Future<Void> leave(Participant me) {
            return to.leave(me);
        }
    }
}
