package dev.chat.server.presence;

import dev.chat.protocol.BeaconSignature;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The beacon keys of the sessions that hold nicks on this node, by nick key
 * ({@link dev.chat.protocol.Names#nickKey}). The hub {@link #issue issues} a session its key when
 * it registers (sent in {@code welcome} as {@code beacon_key}), moves it along when the session
 * changes its nick, and {@link #released releases} it when the session leaves; the
 * {@link BeaconVerticle} reads it: a beacon for a nick held here counts only if it is signed
 * with the holder's key (docs/PRESENCE.md, "Signed beacons").
 *
 * <p>Which sessions get a key is decided in one place, {@link #issue}: today every registered
 * session; with accounts, the logged-in ones (a nick held without a key takes unsigned beacons,
 * labelled unverified).
 *
 * <p>Thread-safe: written by the hub's context, read by the presence verticle's. Bounded by the
 * sessions registered on the node. Keys never leave the node (not even to other cluster nodes).
 */
public final class BeaconKeys implements Shareable {
    private static final String MAP = "chat.presence";
    private static final String KEY = "beacon-keys";

    /** One session's key while it holds a nick; compared by identity. */
    public static final class Holder {
        private final byte[] key;
        /** The seqs of its signed beacons already taken: presence verticle context only. */
        final ReplayWindow replay = new ReplayWindow();

        Holder(byte[] key) {
            this.key = key;
        }

        /** The key, as {@code welcome} carries it. */
        public String encoded() {
            return BeaconSignature.encodeKey(key);
        }

        byte[] key() {
            return key;
        }
    }

    private final ConcurrentHashMap<String, Holder> byNick = new ConcurrentHashMap<>();

    /** This node's keys (one per Vert.x instance). */
    public static BeaconKeys of(Vertx vertx) {
        return vertx.sharedData().<String, BeaconKeys>getLocalMap(MAP).computeIfAbsent(KEY, k -> new BeaconKeys());
    }

    /** A new random key for the session that now holds {@code nickKey}. */
    public Holder issue(String nickKey) {
        Holder h = new Holder(BeaconSignature.newKey());
        byNick.put(nickKey, h);
        return h;
    }

    /** The session holding {@code oldKey} (with {@code holder}; null: none) now holds {@code newKey} instead. */
    public void moved(String oldKey, String newKey, Holder holder) {
        if (holder == null) {
            return;
        }
        byNick.put(newKey, holder);
        released(oldKey, holder);
    }

    /** The session holding {@code nickKey} with {@code holder} (null: none) gave it up. */
    public void released(String nickKey, Holder holder) {
        if (holder != null) {
            byNick.remove(nickKey, holder);
        }
    }

    /** The holder of the nick key, or null when no session here holds it with a key. */
    Holder holder(String nickKey) {
        return byNick.get(nickKey);
    }

    /** Sessions holding a key: {@code /metrics}. */
    public int size() {
        return byNick.size();
    }
}
