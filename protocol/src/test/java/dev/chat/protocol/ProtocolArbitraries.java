package dev.chat.protocol;

import dev.chat.protocol.ClientMessage.Dm;
import dev.chat.protocol.ClientMessage.Hello;
import dev.chat.protocol.ClientMessage.History;
import dev.chat.protocol.ClientMessage.Join;
import dev.chat.protocol.ClientMessage.ListPeers;
import dev.chat.protocol.ClientMessage.ListRooms;
import dev.chat.protocol.ClientMessage.Nick;
import dev.chat.protocol.ClientMessage.Part;
import dev.chat.protocol.ClientMessage.Quit;
import dev.chat.protocol.ClientMessage.Say;
import dev.chat.protocol.ClientMessage.Who;
import dev.chat.protocol.ServerMessage.Bye;
import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.protocol.ServerMessage.HistoryReply;
import dev.chat.protocol.ServerMessage.Joined;
import dev.chat.protocol.ServerMessage.Member;
import dev.chat.protocol.ServerMessage.Ok;
import dev.chat.protocol.ServerMessage.Parted;
import dev.chat.protocol.ServerMessage.PeerInfo;
import dev.chat.protocol.ServerMessage.PeerList;
import dev.chat.protocol.ServerMessage.Presence;
import dev.chat.protocol.ServerMessage.RoomInfo;
import dev.chat.protocol.ServerMessage.RoomList;
import dev.chat.protocol.ServerMessage.Welcome;
import dev.chat.protocol.ServerMessage.WhoReply;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

/**
 * Generators of valid protocol values: nicks and rooms from their alphabets, texts of any
 * Unicode scalar values (astral ones included), ids, and every message type.
 */
final class ProtocolArbitraries {

    private static final String NICK_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    private static final String ROOM_CHARS = NICK_CHARS + ".";

    /** A message as sent, and as the receiver must decode it (rooms normalised). */
    record Sent<T extends Message>(T message, T decoded) {
        static <T extends Message> Sent<T> same(T m) {
            return new Sent<>(m, m);
        }
    }

    /** A room name as a client may write it, and its canonical form. */
    record Room(String written, String canonical) {
    }

    private ProtocolArbitraries() {
    }

    /**
     * Strings of Unicode scalar values (never a lone surrogate): mostly ASCII, some controls,
     * BMP and astral characters. Built from a length and a seed rather than character by
     * character: 4000-character texts are cheap to generate, and shrinking still shortens them.
     */
    static Arbitrary<String> unicode(int minCodePoints, int maxCodePoints) {
        return Combinators.combine(
                Arbitraries.integers().between(minCodePoints, maxCodePoints).withDistribution(RandomDistribution.biased()),
                Arbitraries.longs()).as((n, seed) -> randomUnicode(n, new SplittableRandom(seed)));
    }

    private static String randomUnicode(int codePoints, SplittableRandom random) {
        StringBuilder sb = new StringBuilder(codePoints * 2);
        for (int i = 0; i < codePoints; i++) {
            int kind = random.nextInt(12);
            int cp;
            if (kind < 6) {
                cp = random.nextInt(0x20, 0x7F);
            } else if (kind < 7) {
                cp = random.nextInt(0, 0x20);
            } else if (kind < 9) {
                cp = random.nextInt(0x80, 0xD800);
            } else if (kind < 10) {
                cp = random.nextInt(0xE000, 0x10000);
            } else {
                cp = random.nextInt(0x10000, 0x110000);
            }
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    static Arbitrary<String> texts() {
        return unicode(1, Names.MAX_TEXT);
    }

    static Arbitrary<String> nicks() {
        return Arbitraries.strings().withChars(NICK_CHARS).ofMinLength(1).ofMaxLength(Names.MAX_NICK);
    }

    static Arbitrary<Room> rooms() {
        Arbitrary<String> name = Arbitraries.strings().withChars(ROOM_CHARS).ofMinLength(1).ofMaxLength(Names.MAX_ROOM);
        return Combinators.combine(Arbitraries.of("", "#"), name)
                .as((hash, n) -> new Room(hash + n, n.toLowerCase(java.util.Locale.ROOT)));
    }

    static Arbitrary<String> canonicalRooms() {
        return rooms().map(Room::canonical);
    }

    /** A request id: none, a string of at most 64 code points, or any long. */
    static Arbitrary<Object> ids() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(null)),
                Tuple.of(2, unicode(0, 64).map(s -> (Object) s)),
                Tuple.of(2, Arbitraries.longs().map(l -> (Object) l)));
    }

    static Arbitrary<Long> nonNegative() {
        return Arbitraries.longs().between(0, Long.MAX_VALUE);
    }

    static Arbitrary<Long> seqs() {
        return Arbitraries.longs().between(1, Long.MAX_VALUE);
    }

    static Arbitrary<String> shortStrings() {
        return unicode(0, 80);
    }

    static Arbitrary<Sent<ClientMessage>> clientMessages() {
        Arbitrary<Object> id = ids();
        return Arbitraries.oneOf(List.of(
                Combinators.combine(id, nicks()).as((i, n) -> client(new Hello(i, n))),
                Combinators.combine(id, rooms()).as((i, r) -> client(new Join(i, r.written()), new Join(i, r.canonical()))),
                Combinators.combine(id, rooms(), reasons().injectNull(0.5)).as((i, r, why) ->
                        client(new Part(i, r.written(), why), new Part(i, r.canonical(), why))),
                Combinators.combine(id, rooms(), texts(), Arbitraries.of(false, true)).as((i, r, t, action) ->
                        client(new Say(i, r.written(), t, action), new Say(i, r.canonical(), t, action))),
                Combinators.combine(id, nicks(), texts(), Arbitraries.of(false, true))
                        .as((i, n, t, action) -> client(new Dm(i, n, t, action))),
                Combinators.combine(id, nicks()).as((i, n) -> client(new Nick(i, n))),
                id.map(i -> client(new ListRooms(i))),
                Combinators.combine(id, rooms()).as((i, r) -> client(new Who(i, r.written()), new Who(i, r.canonical()))),
                Combinators.combine(id, rooms(), nonNegative().injectNull(0.3),
                        Arbitraries.integers().between(1, History.MAX_LIMIT))
                        .as((i, r, after, limit) -> client(new History(i, r.written(), after, limit),
                                new History(i, r.canonical(), after, limit))),
                id.map(i -> client(new ListPeers(i))),
                id.map(i -> client(new Ping(i))),
                id.map(i -> client(new Pong(i))),
                Combinators.combine(id, shortStrings().injectNull(0.3)).as((i, reason) -> client(new Quit(i, reason))),
                Combinators.combine(id, rooms(), unicode(0, Names.MAX_TOPIC).injectNull(0.3)).as((i, r, t) ->
                        client(new ClientMessage.Topic(i, r.written(), t), new ClientMessage.Topic(i, r.canonical(), t))),
                Combinators.combine(id, rooms(), nicks()).as((i, r, n) -> client(memberRequest("op", i, r.written(), n),
                        memberRequest("op", i, r.canonical(), n))),
                Combinators.combine(id, rooms(), nicks()).as((i, r, n) -> client(memberRequest("deop", i, r.written(), n),
                        memberRequest("deop", i, r.canonical(), n))),
                Combinators.combine(id, rooms(), nicks()).as((i, r, n) -> client(memberRequest("voice", i, r.written(), n),
                        memberRequest("voice", i, r.canonical(), n))),
                Combinators.combine(id, rooms(), nicks()).as((i, r, n) -> client(memberRequest("devoice", i, r.written(), n),
                        memberRequest("devoice", i, r.canonical(), n))),
                Combinators.combine(id, rooms(), nicks()).as((i, r, n) -> client(memberRequest("invite", i, r.written(), n),
                        memberRequest("invite", i, r.canonical(), n))),
                Combinators.combine(id, rooms(), nicks(), reasons().injectNull(0.5)).as((i, r, n, why) ->
                        client(new ClientMessage.Kick(i, r.written(), n, why), new ClientMessage.Kick(i, r.canonical(), n, why))),
                Combinators.combine(id, rooms(), masks(), Arbitraries.of(false, true)).as((i, r, mask, ban) -> ban
                        ? client(new ClientMessage.Ban(i, r.written(), mask), new ClientMessage.Ban(i, r.canonical(), mask))
                        : client(new ClientMessage.Unban(i, r.written(), mask), new ClientMessage.Unban(i, r.canonical(), mask))),
                Combinators.combine(id, rooms(), Arbitraries.of(true, false).injectNull(0.5),
                        Arbitraries.of(true, false).injectNull(0.5), Arbitraries.of(true, false).injectNull(0.5))
                        .as((i, r, inv, mod, sec) -> client(new ClientMessage.Mode(i, r.written(), inv, mod, sec),
                                new ClientMessage.Mode(i, r.canonical(), inv, mod, sec)))));
    }

    private static ClientMessage memberRequest(String type, Object id, String room, String nick) {
        return switch (type) {
            case "op" -> new ClientMessage.Op(id, room, nick);
            case "deop" -> new ClientMessage.Deop(id, room, nick);
            case "voice" -> new ClientMessage.Voice(id, room, nick);
            case "devoice" -> new ClientMessage.Devoice(id, room, nick);
            default -> new ClientMessage.Invite(id, room, nick);
        };
    }

    /** Ban masks: nick characters and wildcards, 1 to 64. */
    static Arbitrary<String> masks() {
        return Arbitraries.strings().withChars(NICK_CHARS + "*?").ofMinLength(1).ofMaxLength(Names.MAX_MASK);
    }

    private static Sent<ClientMessage> client(ClientMessage m) {
        return Sent.same(m);
    }

    private static Sent<ClientMessage> client(ClientMessage m, ClientMessage decoded) {
        return new Sent<>(m, decoded);
    }

    /** A part or quit reason: 0 to 400 code points. */
    static Arbitrary<String> reasons() {
        return unicode(0, Names.MAX_REASON);
    }

    static Arbitrary<ChatMessage> chatMessages() {
        Arbitrary<Boolean> action = Arbitraries.of(false, true);
        return Arbitraries.oneOf(List.of(
                Combinators.combine(canonicalRooms(), nicks(), texts(), action, nonNegative(), seqs())
                        .as(ChatMessage::inRoom),
                Combinators.combine(nicks(), nicks(), texts(), action, nonNegative()).as(ChatMessage::direct)));
    }

    static Arbitrary<ServerMessage> serverMessages() {
        Arbitrary<Object> id = ids();
        Arbitrary<List<String>> members = nicks().list().ofMaxSize(8);
        Arbitrary<Double> finite = Arbitraries.doubles();
        return Arbitraries.oneOf(List.of(
                Combinators.combine(id, nicks(), shortStrings(), shortStrings(),
                        Arbitraries.integers().greaterOrEqual(0), nonNegative(), Arbitraries.integers().greaterOrEqual(1),
                        Arbitraries.integers().between(0, 65535).injectNull(0.3))
                        .as(Welcome::new),
                Combinators.combine(id, canonicalRooms(), members, nonNegative()).as(Joined::new),
                Combinators.combine(id, canonicalRooms()).as(Parted::new),
                id.map(Ok::new),
                Combinators.combine(id, Combinators.combine(canonicalRooms(), Arbitraries.integers().greaterOrEqual(0))
                        .as(RoomInfo::new).list().ofMaxSize(6)).as(RoomList::new),
                Combinators.combine(id, canonicalRooms(), members).as(WhoReply::new),
                Combinators.combine(id, canonicalRooms(),
                        Combinators.combine(canonicalRooms(), nicks(), unicode(1, 200), nonNegative(), seqs())
                                .as(ChatMessage::inRoom).list().ofMaxSize(4)).as(HistoryReply::new),
                Combinators.combine(id, Combinators.combine(nicks(), shortStrings(), shortStrings(), nonNegative(),
                        finite, finite).as(PeerInfo::new).list().ofMaxSize(4)).as(PeerList::new),
                chatMessages().map(m -> (ServerMessage) m),
                Combinators.combine(canonicalRooms(), nicks(), Arbitraries.of("join", "part", "quit", "nick"),
                        nicks().injectNull(0.5), reasons().injectNull(0.5)).as(Member::new),
                Combinators.combine(canonicalRooms(), nicks(), Arbitraries.of("op", "deop", "voice", "devoice", "kick"),
                        reasons().injectNull(0.5), nicks()).as((r, n, e, why, by) -> new Member(r, n, e, null, why, by)),
                Combinators.combine(id, canonicalRooms(), members, nonNegative(), unicode(1, 100).injectNull(0.5), members,
                        members).as(Joined::new),
                Combinators.combine(id, canonicalRooms(), members, members, members).as(WhoReply::new),
                Combinators.combine(id, canonicalRooms(), Arbitraries.of(false, true), Arbitraries.of(false, true),
                        Arbitraries.of(false, true), members, members, masks().list().ofMaxSize(5))
                        .as(ServerMessage.Mode::new),
                Combinators.combine(canonicalRooms(), nicks(), Arbitraries.integers().between(0, 4), masks(),
                        Arbitraries.of(false, true)).as((r, by, which, mask, v) -> switch (which) {
                            case 0 -> ServerMessage.ModeChange.inviteOnly(r, by, v);
                            case 1 -> ServerMessage.ModeChange.moderated(r, by, v);
                            case 2 -> ServerMessage.ModeChange.secret(r, by, v);
                            case 3 -> ServerMessage.ModeChange.ban(r, by, mask);
                            default -> ServerMessage.ModeChange.unban(r, by, mask);
                        }),
                Combinators.combine(canonicalRooms(), nicks()).as(ServerMessage.Invited::new),
                Combinators.combine(id, canonicalRooms(), shortStrings(), nicks().injectNull(0.3),
                        nonNegative().injectNull(0.3)).as(ServerMessage.Topic::new),
                Combinators.combine(nicks(), shortStrings(), Arbitraries.of("online", "away", "offline"))
                        .as(Presence::new),
                shortStrings().map(Bye::new),
                Combinators.combine(id, shortStrings(), shortStrings().injectNull(0.2)).as(ServerMessage.Error::new),
                id.map(Ping::new),
                id.map(Pong::new)));
    }

    static Arbitrary<Beacon> beacons() {
        Arbitrary<Long> interval = Arbitraries.longs().between(1, 3_600_000);
        return Arbitraries.oneOf(List.of(
                Combinators.combine(nicks(), Arbitraries.of(Beacon.ONLINE, Beacon.AWAY, Beacon.OFFLINE),
                        nonNegative(), nonNegative(), interval).as(Beacon.ClientBeacon::new),
                Combinators.combine(unicode(1, 255), unicode(0, 64), Arbitraries.integers().between(1, 65535),
                        Arbitraries.of(Beacon.ONLINE, Beacon.OFFLINE), nonNegative(), nonNegative(), interval)
                        .as(Beacon.ServerBeacon::new)));
    }

    /** Any valid message of any direction. */
    static Arbitrary<Message> anyMessage() {
        return Arbitraries.oneOf(List.of(clientMessages().map(Sent::message), serverMessages().map(m -> (Message) m),
                beacons().map(b -> (Message) b)));
    }

    /** Chunk sizes to cut a stream into, used in turn: mostly small, sometimes large. */
    static Arbitrary<List<Integer>> chunkSizes() {
        return Arbitraries.integers().between(1, 4096).withDistribution(RandomDistribution.biased())
                .list().ofMinSize(1).ofMaxSize(16);
    }
}
