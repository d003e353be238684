package dev.chat.server.presence;

import dev.chat.protocol.Beacon;
import dev.chat.protocol.Names;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.PeerInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The peers this node hears beaconing over UDP, keyed by nick (ignoring case, as nicks are
 * unique ignoring case); the address is the latest datagram's source. A peer is present from
 * its first beacon until its goodbye ({@code status:"offline"}, removed at once) or until
 * 3 of its own intervals ({@code interval_ms} of its latest beacon) pass without a beacon.
 * Past {@code capacity} peers the stalest (least recently heard) is evicted to make room.
 *
 * <p>Every appearance, status change and departure (goodbye, expiry, eviction) is reported to
 * the listener as a {@code presence} message, with status {@code offline} for a departure, and
 * {@code verified} as the entry it is about was (a verified goodbye: the holder's own).
 * Loss and jitter are kept per peer ({@link SeqWindow}, {@link Jitter}). They describe the link,
 * not the session: when a peer expires (three beacons in a row lost on a bad link is not rare),
 * its measurements are remembered for {@value #REMEMBER_INTERVALS} of its intervals, and a
 * peer of that nick that comes back meanwhile goes on from them: the beacons it missed count
 * as lost instead of starting over at 0 %. A goodbye or eviction forgets them. At most
 * {@code capacity} such memories are kept, the oldest dropped first.
 *
 * <p>Pure Java, no I/O. Not thread-safe: owned by one verticle context. Time comes from the
 * injected nanosecond clock, so tests can drive it.
 */
public final class PresenceTable {
    /** How long (in the peer's own intervals) an expired peer's loss and jitter are remembered. */
    static final int REMEMBER_INTERVALS = SeqWindow.SIZE;

    private static final Comparator<Peer> BY_DEADLINE =
            Comparator.<Peer>comparingLong(p -> p.deadline).thenComparing(p -> p.key);

    private final int capacity;
    private final LongSupplier nanoClock;
    private final Consumer<ServerMessage.Presence> listener;
    // iteration order = least recently heard first: a peer is re-inserted on every beacon
    private final LinkedHashMap<String, Peer> byKey = new LinkedHashMap<>();
    // the unverified peers of byKey, in the same order: eviction takes from these first
    private final LinkedHashMap<String, Peer> unverified = new LinkedHashMap<>();
    private final TreeSet<Peer> byDeadline = new TreeSet<>(BY_DEADLINE);
    // measurements of expired peers, oldest first; bounded by capacity
    private final LinkedHashMap<String, Remembered> expired = new LinkedHashMap<>();
    private long expiredTotal;
    private long evictedTotal;

    /**
     * @param capacity most peers kept (at least 1)
     * @param nanoClock monotonic time, ns (e.g. {@code System::nanoTime})
     * @param listener told every appearance, status change and departure
     */
    public PresenceTable(int capacity, LongSupplier nanoClock, Consumer<ServerMessage.Presence> listener) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Takes one unverified client beacon that arrived now from {@code address} ({@code ip:port}); false if refused. */
    public boolean onBeacon(Beacon.ClientBeacon beacon, String address) {
        return onBeacon(beacon, address, null);
    }

    /**
     * Takes one client beacon that arrived now from {@code address} ({@code ip:port}).
     * Expired peers are removed first, so a peer that comes back after expiring appears anew.
     *
     * <p>{@code holder} is who vouches for the beacon: the key of the session holding the nick,
     * whose signature it carries (compared by identity), or null for an unverified beacon. A
     * peer's entry belongs to one holder: an unverified beacon never changes, renews or removes
     * a verified entry (refused), while a verified one replaces an entry of anyone else (a new
     * peer, measured afresh). When the table is full, unverified peers are evicted first, and an
     * unverified beacon never evicts a verified peer (refused).
     *
     * @return false if refused
     */
    public boolean onBeacon(Beacon.ClientBeacon beacon, String address, Object holder) {
        long now = nanoClock.getAsLong();
        expire(now);
        String key = Names.nickKey(beacon.nick());
        Peer p = byKey.get(key);
        boolean replaced = false;
        if (p != null && p.holder != holder) {
            if (holder == null) {
                return false; // a forged beacon (or a late one of a session gone) for a verified peer
            }
            unlink(p); // another sender's entry: the verified one starts afresh
            expired.remove(key);
            p = null;
            replaced = true;
        }
        if (p != null) {
            unlink(p);
        }
        if (Beacon.OFFLINE.equals(beacon.status())) {
            expired.remove(key);
            if (p != null || replaced) {
                listener.accept(new ServerMessage.Presence(beacon.nick(), address, Beacon.OFFLINE, holder != null));
            }
            return true;
        }
        if (p == null) {
            if (byKey.size() >= capacity) {
                if (unverified.isEmpty() && holder == null) {
                    return false; // full of verified peers: an unverified one does not push them out
                }
                evictStalest();
            }
            Remembered r = expired.remove(key);
            if (r != null && r.holder != holder) {
                r = null; // another sender's link
            }
            if (r != null && r.until - now > 0) {
                p = new Peer(key, beacon.nick(), address, beacon.status(), r.window, r.jitter, holder);
                if (p.window.record(beacon.seq(), beacon.ts()) == SeqWindow.Outcome.RESTARTED) {
                    p.jitter.reset();
                }
            } else {
                p = new Peer(key, beacon.nick(), address, beacon.status(), new SeqWindow(), new Jitter(), holder);
                p.window.record(beacon.seq(), beacon.ts());
            }
            p.jitter.record(beacon.ts(), now / 1e6);
            p.intervalMs = beacon.intervalMs();
            p.lastSeen = now;
            p.deadline = deadline(now, p.intervalMs);
            link(p);
            listener.accept(new ServerMessage.Presence(p.nick, address, p.status, p.holder != null));
            return true;
        }
        // unlinked above, before its deadline changes: byDeadline is ordered by it
        p.lastSeen = now;
        p.address = address;
        boolean statusChanged = false;
        SeqWindow.Outcome outcome = p.window.record(beacon.seq(), beacon.ts());
        if (outcome == SeqWindow.Outcome.RESTARTED) {
            p.jitter.reset(); // a restarted sender is a new source
        }
        if (outcome != SeqWindow.Outcome.IGNORED) {
            // in order of arrival, late ones too (RFC 3550 6.4.1): a reordered beacon was delayed
            p.jitter.record(beacon.ts(), now / 1e6);
        }
        if (outcome == SeqWindow.Outcome.ADVANCED || outcome == SeqWindow.Outcome.RESTARTED) {
            // only the newest beacon speaks for the peer's current state
            p.intervalMs = beacon.intervalMs();
            p.nick = beacon.nick();
            statusChanged = !p.status.equals(beacon.status());
            p.status = beacon.status();
        }
        // a duplicate or late beacon still proves the peer is alive
        p.deadline = deadline(now, p.intervalMs);
        link(p);
        if (statusChanged) {
            listener.accept(new ServerMessage.Presence(p.nick, p.address, p.status, p.holder != null));
        }
        return true;
    }

    /** Who vouches for the present peer of that nick key: its holder, or null (unverified or absent). */
    public Object holderOf(String nickKey) {
        Peer p = byKey.get(nickKey);
        return p == null ? null : p.holder;
    }

    private void link(Peer p) {
        byKey.put(p.key, p);
        byDeadline.add(p);
        if (p.holder == null) {
            unverified.put(p.key, p);
        }
    }

    private void unlink(Peer p) {
        byKey.remove(p.key);
        byDeadline.remove(p);
        unverified.remove(p.key);
    }

    /** Removes every peer silent for 3 of its intervals, telling the listener. */
    public void expire() {
        expire(nanoClock.getAsLong());
    }

    private void expire(long now) {
        while (!byDeadline.isEmpty() && byDeadline.first().deadline - now <= 0) {
            Peer p = byDeadline.first();
            unlink(p);
            expiredTotal++;
            remember(p, now);
            listener.accept(new ServerMessage.Presence(p.nick, p.address, Beacon.OFFLINE, p.holder != null));
        }
    }

    private void remember(Peer p, long now) {
        expired.remove(p.key);
        if (expired.size() >= capacity) {
            Iterator<Remembered> it = expired.values().iterator();
            it.next();
            it.remove();
        }
        expired.put(p.key, new Remembered(p.window, p.jitter, now + REMEMBER_INTERVALS * p.intervalMs * 1_000_000L,
                p.holder));
    }

    /** Evicts the stalest unverified peer, or the stalest of all when every peer is verified. */
    private void evictStalest() {
        Peer p = (unverified.isEmpty() ? byKey : unverified).values().iterator().next();
        unlink(p);
        evictedTotal++;
        listener.accept(new ServerMessage.Presence(p.nick, p.address, Beacon.OFFLINE, p.holder != null));
    }

    private static long deadline(long now, long intervalMs) {
        return now + 3 * intervalMs * 1_000_000L;
    }

    /** When the next peer expires ({@link System#nanoTime} scale), or empty when there are no peers. */
    public OptionalLong nextExpiry() {
        return byDeadline.isEmpty() ? OptionalLong.empty() : OptionalLong.of(byDeadline.first().deadline);
    }

    /**
     * The present peers, sorted by nick (ignoring case), as {@code peers} reports them:
     * {@code loss} rounded to 3 decimals, {@code jitter_ms} to 0.1 ms.
     */
    public List<PeerInfo> peers() {
        long now = nanoClock.getAsLong();
        expire(now);
        List<Peer> sorted = new ArrayList<>(byKey.values());
        sorted.sort(Comparator.comparing(p -> p.key));
        List<PeerInfo> out = new ArrayList<>(sorted.size());
        for (Peer p : sorted) {
            out.add(new PeerInfo(p.nick, p.address, p.status, Math.max(0, (now - p.lastSeen) / 1_000_000L),
                    Math.round(p.window.loss() * 1000) / 1000.0, Math.round(p.jitter.millis() * 10) / 10.0,
                    p.holder != null));
        }
        return out;
    }

    /** Number of present peers (expired ones count until the next sweep). */
    public int size() {
        return byKey.size();
    }

    /** Peers removed for 3 silent intervals, since start. */
    public long expiredTotal() {
        return expiredTotal;
    }

    /** Peers evicted to stay within capacity, since start. */
    public long evictedTotal() {
        return evictedTotal;
    }

    /** Unrounded loss of one peer (tests), or NaN when absent. */
    double loss(String nick) {
        Peer p = byKey.get(Names.nickKey(nick));
        return p == null ? Double.NaN : p.window.loss();
    }

    /** Unrounded jitter of one peer, ms (tests), or NaN when absent. */
    double jitter(String nick) {
        Peer p = byKey.get(Names.nickKey(nick));
        return p == null ? Double.NaN : p.jitter.millis();
    }

    /** One peer's state. */
    private static final class Peer {
        final String key;
        final SeqWindow window;
        final Jitter jitter;
        /** Who vouches for it (the holder of the nick's beacon key), null: unverified. */
        final Object holder;
        String nick;
        String address;
        String status;
        long intervalMs;
        long lastSeen;
        long deadline;

        Peer(String key, String nick, String address, String status, SeqWindow window, Jitter jitter, Object holder) {
            this.key = key;
            this.holder = holder;
            this.window = window;
            this.jitter = jitter;
            this.nick = nick;
            this.address = address;
            this.status = status;
        }
    }

    /** The link measurements of an expired peer, until {@code until} (nanoTime scale). */
    private record Remembered(SeqWindow window, Jitter jitter, long until, Object holder) {
    }
}
