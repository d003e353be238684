package dev.chat.server.core;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.Names;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.Member;
import dev.chat.protocol.ServerMessage.ModeChange;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One room's operators and moderation (docs/PROTOCOL.md, "Room operators"): its topic, operators
 * (account keys), voiced members, bans, invitations and flags, and the rules every backend applies
 * to them, so that they are the same wherever the room lives. It decides; the backend keeps the
 * members, stores {@link #attrs()} and {@link #storedTopic()} when a {@link Change} says so, and
 * delivers the change's events in the room's order. Not thread-safe: the room's owner context only.
 *
 * <ul>
 *   <li>An operator is a member logged in to an account that is in {@link #operators}: guests
 *       never are. The first member of a new room (nothing stored of it) who is logged in becomes
 *       its operator; a room without operator has no moderation (any member sets the topic and
 *       invites, nobody changes modes).
 *   <li>Voice is kept by account for a logged-in member, and by nick in memory for a guest while it
 *       stays in the room under that nick.
 *   <li>Operators may join whatever the bans and invite-only say (a room's operator is trusted by
 *       it); others are refused {@code banned} when a mask matches their nick or account, and
 *       {@code invite_only} without an invitation (used up by the join).
 *   <li>Every collection a client can grow is bounded: {@link #MAX_BANS}, {@link #MAX_INVITED}
 *       (the oldest invitation goes), {@link #MAX_ACCOUNTS} operators and voiced accounts.
 * </ul>
 */
public final class Moderation {
    public static final int MAX_BANS = 100;
    public static final int MAX_INVITED = 100;
    /** Operators, and voiced accounts, per room. */
    public static final int MAX_ACCOUNTS = 100;

    /**
     * A member (or a requester) as the rules see it: its nick and the account it is logged in to
     * (null: a guest). {@link Participant} on a single node; a cluster's room member elsewhere.
     * Members are compared with {@code equals}.
     */
    public interface Person {
        String nick();

        String account();
    }

    /**
     * What a request did: the reply to send once the change is stored ({@code store}) and its events
     * delivered in the room's order; {@code kicked} is the member it removed (null: none).
     */
    public record Change(ServerMessage reply, List<ServerMessage> events, Person kicked, boolean store) {
        static Change answer(ServerMessage reply) {
            return new Change(reply, List.of(), null, false);
        }
    }

    private final String room;
    private String topic = "";
    private String topicBy;
    private long topicTs;
    private final LinkedHashSet<String> operators = new LinkedHashSet<>();
    private final LinkedHashSet<String> voicedAccounts = new LinkedHashSet<>();
    /** Nick keys of voiced guests, in memory only. */
    private final Set<String> voicedGuests = new HashSet<>();
    private final List<String> bans = new ArrayList<>();
    /** Nick keys, oldest first. */
    private final LinkedHashSet<String> invited = new LinkedHashSet<>();
    private boolean inviteOnly;
    private boolean moderated;
    private boolean secret;
    /** Nothing of the room was stored and nobody joined it yet: its first logged-in joiner is its operator. */
    private boolean fresh;
    /** Counts the changes of this state (a cluster's owner tells with it whether an event changed the rules). */
    private long changes;

    private Moderation(String room, boolean fresh) {
        this.room = room;
        this.fresh = fresh;
    }

    /** A room of which nothing is stored anywhere. */
    public static Moderation fresh(String room) {
        return new Moderation(room, true);
    }

    /** A room as the store keeps it ({@code topic} and {@code attrs} of its row; {@code attrs} may be null). */
    public static Moderation load(String room, String topic, JsonObject attrs) {
        Moderation m = new Moderation(room, false);
        m.topic = topic == null ? "" : topic;
        if (attrs != null) {
            m.topicBy = attrs.getString("topic_by");
            Long ts = attrs.getLong("topic_ts");
            m.topicTs = ts == null ? 0 : ts;
            addStrings(attrs.getJsonArray("operators"), m.operators, MAX_ACCOUNTS);
            addStrings(attrs.getJsonArray("voiced"), m.voicedAccounts, MAX_ACCOUNTS);
            addStrings(attrs.getJsonArray("bans"), m.bans, MAX_BANS);
            m.inviteOnly = attrs.getBoolean("invite_only", false);
            m.moderated = attrs.getBoolean("moderated", false);
            m.secret = attrs.getBoolean("secret", false);
        }
        return m;
    }

    private static void addStrings(JsonArray from, Collection<String> to, int max) {
        if (from == null) {
            return;
        }
        for (Object o : from) {
            if (o instanceof String s && to.size() < max) {
                to.add(s);
            }
        }
    }

    /** What the store keeps in the room's {@code attrs} (everything but the topic and what lives in memory only). */
    public JsonObject attrs() {
        JsonObject a = new JsonObject();
        if (topicBy != null) {
            a.put("topic_by", topicBy).put("topic_ts", topicTs);
        }
        return a.put("operators", new JsonArray(new ArrayList<>(operators)))
                .put("voiced", new JsonArray(new ArrayList<>(voicedAccounts)))
                .put("bans", new JsonArray(new ArrayList<>(bans)))
                .put("invite_only", inviteOnly).put("moderated", moderated).put("secret", secret);
    }

    /**
     * The whole state, memory-only parts too (invitations, voiced guests, whether the room is new):
     * what a cluster's events and snapshots carry ({@link #fromState}).
     */
    public JsonObject state() {
        return attrs().put("topic", topic).put("fresh", fresh)
                .put("invited", new JsonArray(new ArrayList<>(invited)))
                .put("voiced_guests", new JsonArray(new ArrayList<>(voicedGuests)));
    }

    /** A state made by {@link #state()}; null: a new room. */
    public static Moderation fromState(String room, JsonObject state) {
        if (state == null) {
            return fresh(room);
        }
        Moderation m = load(room, state.getString("topic"), state);
        m.fresh = state.getBoolean("fresh", false);
        addStrings(state.getJsonArray("invited"), m.invited, MAX_INVITED);
        addStrings(state.getJsonArray("voiced_guests"), m.voicedGuests, Integer.MAX_VALUE);
        return m;
    }

    /** The topic as the store keeps it: null for none. */
    public String storedTopic() {
        return topic.isEmpty() ? null : topic;
    }

    /** The topic, or null for none ({@code joined}). */
    public String topicOrNull() {
        return storedTopic();
    }

    public boolean secret() {
        return secret;
    }

    public boolean hasOperator() {
        return !operators.isEmpty();
    }

    public boolean isOperator(Person p) {
        return p.account() != null && operators.contains(p.account());
    }

    public boolean isVoiced(Person p) {
        return (p.account() != null && voicedAccounts.contains(p.account()))
                || voicedGuests.contains(Names.nickKey(p.nick()));
    }

    /** The nicks of the members who are operators, in the members' order. */
    public List<String> operatorNicks(Collection<? extends Person> members) {
        List<String> out = new ArrayList<>();
        for (Person p : members) {
            if (isOperator(p)) {
                out.add(p.nick());
            }
        }
        return out;
    }

    /** The nicks of the members who are voiced, in the members' order. */
    public List<String> voicedNicks(Collection<? extends Person> members) {
        List<String> out = new ArrayList<>();
        for (Person p : members) {
            if (isVoiced(p)) {
                out.add(p.nick());
            }
        }
        return out;
    }

    // ---- membership ----

    /**
     * What the other members are told after {@code p}'s {@code join} when it comes back as an
     * operator or a voiced member: {@code member op} (or {@code voice}) without {@code by}, the
     * server's, so that they show its role (IRC's {@code :server MODE #room +o nick}); null for
     * anyone else. Asked before the join is applied.
     */
    public ServerMessage.Member roleOnJoin(Person p) {
        if (isOperator(p)) {
            return new ServerMessage.Member(room, p.nick(), ServerMessage.Member.OP, null, null, null);
        }
        if (isVoiced(p)) {
            return new ServerMessage.Member(room, p.nick(), ServerMessage.Member.VOICE, null, null, null);
        }
        return null;
    }

    /** Why {@code p} may not join, or null if it may. */
    public Refused joinRefusal(Person p) {
        if (isOperator(p)) {
            return null;
        }
        String key = Names.nickKey(p.nick());
        for (String mask : bans) {
            if (Names.maskMatches(mask, key) || (p.account() != null && Names.maskMatches(mask, p.account()))) {
                return Refusal.BANNED.refused(room);
            }
        }
        if (inviteOnly && !invited.contains(key)) {
            return Refusal.INVITE_ONLY.refused(room);
        }
        return null;
    }

    /**
     * {@code p} joined: its invitation is used up, and the first logged-in joiner of a new room
     * becomes its operator. True if the room was new: the store should keep it from now on (with its
     * operator, or as a room without one), so that it is not new again after a restart.
     */
    public boolean joined(Person p) {
        if (invited.remove(Names.nickKey(p.nick())) || fresh) {
            changes++;
        }
        boolean wasFresh = fresh;
        fresh = false;
        if (wasFresh && p.account() != null) {
            operators.add(p.account());
        }
        return wasFresh;
    }

    /** {@code p} left the room (part, quit, kick): a guest's voice goes. */
    public void left(Person p) {
        if (voicedGuests.remove(Names.nickKey(p.nick()))) {
            changes++;
        }
    }

    /** A member changed nick: a guest's voice stays with the old nick, that is, goes. */
    public void renamed(String oldNick) {
        if (voicedGuests.remove(Names.nickKey(oldNick))) {
            changes++;
        }
    }

    /** How many times this state changed so far. */
    public long changes() {
        return changes;
    }

    /** Why {@code p} (a member) may not say something, or null if it may. */
    public Refused sayRefusal(Person p) {
        return moderated && !isOperator(p) && !isVoiced(p) ? Refusal.MODERATED.refused(room) : null;
    }

    // ---- requests ----

    /** Whether the request is one of {@link #apply}'s. */
    public static boolean handles(ClientMessage m) {
        return m instanceof ClientMessage.Topic || m instanceof ClientMessage.Op || m instanceof ClientMessage.Deop
                || m instanceof ClientMessage.Voice || m instanceof ClientMessage.Devoice
                || m instanceof ClientMessage.Kick || m instanceof ClientMessage.Ban || m instanceof ClientMessage.Unban
                || m instanceof ClientMessage.Mode || m instanceof ClientMessage.Invite;
    }

    /** The room a request of {@link #handles} is about. */
    public static String roomOf(ClientMessage m) {
        if (m instanceof ClientMessage.Topic t) {
            return t.room();
        } else if (m instanceof ClientMessage.Op o) {
            return o.room();
        } else if (m instanceof ClientMessage.Deop o) {
            return o.room();
        } else if (m instanceof ClientMessage.Voice v) {
            return v.room();
        } else if (m instanceof ClientMessage.Devoice v) {
            return v.room();
        } else if (m instanceof ClientMessage.Kick k) {
            return k.room();
        } else if (m instanceof ClientMessage.Ban b) {
            return b.room();
        } else if (m instanceof ClientMessage.Unban b) {
            return b.room();
        } else if (m instanceof ClientMessage.Mode md) {
            return md.room();
        } else if (m instanceof ClientMessage.Invite i) {
            return i.room();
        }
        throw new IllegalArgumentException(m.type() + " is not a room moderation request");
    }

    /**
     * Applies a request of {@code me} (a member or not) to the room whose members are
     * {@code members}, in memory, and says what to store and tell; throws {@link Refused} when a
     * rule refuses it (nothing changed then). A kicked member is in {@link Change#kicked}: the
     * backend removes it.
     *
     * @param now the time of a topic change (epoch ms)
     */
    public Change apply(Person me, ClientMessage m, Collection<? extends Person> members, long now) {
        String before = state().encode();
        Change c = decide(me, m, members, now);
        if (!before.equals(state().encode())) {
            changes++;
        }
        return c;
    }

    private Change decide(Person me, ClientMessage m, Collection<? extends Person> members, long now) {
        boolean member = members.contains(me);
        if (m instanceof ClientMessage.Topic t && t.topic() == null) {
            visibleTo(member, members);
            return Change.answer(topicReply(t.id()));
        }
        if (m instanceof ClientMessage.Mode md && md.asks()) {
            visibleTo(member, members);
            return Change.answer(new ServerMessage.Mode(md.id(), room, inviteOnly, moderated, secret,
                    operatorNicks(members), voicedNicks(members), bans));
        }
        if (!member) {
            throw Refusal.NOT_IN_ROOM.refused(room);
        }
        ServerMessage.Ok ok = new ServerMessage.Ok(m.id());
        if (m instanceof ClientMessage.Topic t) {
            if (hasOperator() && !isOperator(me)) {
                throw Refusal.NOT_OPERATOR.refused(room);
            }
            topic = t.topic();
            topicBy = me.nick();
            topicTs = now;
            // the answer is the room's topic as it now is (docs/PROTOCOL.md), as for a question
            return new Change(topicReply(t.id()), List.of(new ServerMessage.Topic(null, room, topic, topicBy, now)),
                    null, true);
        }
        if (m instanceof ClientMessage.Invite i) {
            if (!isOperator(me) && (inviteOnly || hasOperator())) {
                throw Refusal.NOT_OPERATOR.refused(room);
            }
            String key = Names.nickKey(i.nick());
            invited.remove(key);
            invited.add(key);
            if (invited.size() > MAX_INVITED) {
                Iterator<String> oldest = invited.iterator();
                oldest.next();
                oldest.remove();
            }
            return Change.answer(ok);
        }
        if (!isOperator(me)) {
            throw Refusal.NOT_OPERATOR.refused(room);
        }
        String by = me.nick();
        if (m instanceof ClientMessage.Op o) {
            Person target = target(members, o.nick());
            if (target.account() == null) {
                throw Refusal.NO_ACCOUNT.refused(target.nick());
            }
            if (operators.contains(target.account())) {
                return Change.answer(ok);
            }
            full(operators.size(), MAX_ACCOUNTS, "operators");
            operators.add(target.account());
            return memberEvent(ok, target, Member.OP, by, true);
        } else if (m instanceof ClientMessage.Deop o) {
            Person target = target(members, o.nick());
            if (target.account() == null || !operators.remove(target.account())) {
                return Change.answer(ok);
            }
            return memberEvent(ok, target, Member.DEOP, by, true);
        } else if (m instanceof ClientMessage.Voice v) {
            Person target = target(members, v.nick());
            if (isVoiced(target)) {
                return Change.answer(ok);
            }
            if (target.account() != null) {
                full(voicedAccounts.size(), MAX_ACCOUNTS, "voiced accounts");
                voicedAccounts.add(target.account());
                return memberEvent(ok, target, Member.VOICE, by, true);
            }
            voicedGuests.add(Names.nickKey(target.nick())); // at most one per member
            return memberEvent(ok, target, Member.VOICE, by, false);
        } else if (m instanceof ClientMessage.Devoice v) {
            Person target = target(members, v.nick());
            if (!isVoiced(target)) {
                return Change.answer(ok);
            }
            boolean stored = target.account() != null && voicedAccounts.remove(target.account());
            voicedGuests.remove(Names.nickKey(target.nick()));
            return memberEvent(ok, target, Member.DEVOICE, by, stored);
        } else if (m instanceof ClientMessage.Kick k) {
            Person target = target(members, k.nick());
            left(target);
            return new Change(ok, List.of(new Member(room, target.nick(), Member.KICK, null, k.reason(), by)), target,
                    false);
        } else if (m instanceof ClientMessage.Ban b) {
            if (indexOfBan(b.mask()) >= 0) {
                return Change.answer(ok);
            }
            full(bans.size(), MAX_BANS, "bans");
            bans.add(b.mask());
            return new Change(ok, List.of(ModeChange.ban(room, by, b.mask())), null, true);
        } else if (m instanceof ClientMessage.Unban b) {
            int i = indexOfBan(b.mask());
            if (i < 0) {
                return Change.answer(ok);
            }
            String mask = bans.remove(i);
            return new Change(ok, List.of(ModeChange.unban(room, by, mask)), null, true);
        } else if (m instanceof ClientMessage.Mode md) {
            List<ServerMessage> events = new ArrayList<>(3);
            if (md.inviteOnly() != null && md.inviteOnly() != inviteOnly) {
                inviteOnly = md.inviteOnly();
                events.add(ModeChange.inviteOnly(room, by, inviteOnly));
            }
            if (md.moderated() != null && md.moderated() != moderated) {
                moderated = md.moderated();
                events.add(ModeChange.moderated(room, by, moderated));
            }
            if (md.secret() != null && md.secret() != secret) {
                secret = md.secret();
                events.add(ModeChange.secret(room, by, secret));
            }
            return new Change(ok, events, null, !events.isEmpty());
        }
        throw new IllegalArgumentException(m.type() + " is not a room moderation request");
    }

    /** The {@code topic} reply. */
    public ServerMessage.Topic topicReply(Object id) {
        return topic.isEmpty() || topicBy == null ? new ServerMessage.Topic(id, room, topic, null, null)
                : new ServerMessage.Topic(id, room, topic, topicBy, topicTs);
    }

    /** Asking about a room: its members, and anyone for a public room with members. */
    private void visibleTo(boolean member, Collection<? extends Person> members) {
        if (!member && (secret || members.isEmpty())) {
            throw Refusal.NOT_IN_ROOM.refused(room);
        }
    }

    private Person target(Collection<? extends Person> members, String nick) {
        String key = Names.nickKey(nick);
        for (Person p : members) {
            if (Names.nickKey(p.nick()).equals(key)) {
                return p;
            }
        }
        throw Refusal.NOT_A_MEMBER.refused(nick + " is not in " + room);
    }

    private void full(int size, int max, String what) {
        if (size >= max) {
            throw Refusal.ROOM_LIST_FULL.refused("room '" + room + "' has " + max + " " + what + ", the limit");
        }
    }

    private int indexOfBan(String mask) {
        for (int i = 0; i < bans.size(); i++) {
            if (bans.get(i).equalsIgnoreCase(mask)) {
                return i;
            }
        }
        return -1;
    }

    private Change memberEvent(ServerMessage reply, Person target, String event, String by, boolean store) {
        return new Change(reply, List.of(new Member(room, target.nick(), event, null, null, by)), null, store);
    }
}
