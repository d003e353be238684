package dev.chat.server.cluster;

import java.util.Collection;

/**
 * Rendezvous (highest random weight) hashing: every node that sees the same candidates picks the
 * same one for a key, and when a candidate goes, only its keys move. Used to choose which surviving
 * node takes over a room whose owner died.
 */
final class Rendezvous {

    private Rendezvous() {
    }

    /** The candidate with the highest weight for {@code key}; null if there is none. */
    static String pick(String key, Collection<String> candidates) {
        String best = null;
        long bestScore = 0;
        for (String c : candidates) {
            long s = score(key, c);
            if (best == null || Long.compareUnsigned(s, bestScore) > 0
                    || (s == bestScore && c.compareTo(best) < 0)) {
                best = c;
                bestScore = s;
            }
        }
        return best;
    }

    /** FNV-1a over key, a separator and the node, then a 64-bit finaliser (MurmurHash3's fmix64). */
    static long score(String key, String node) {
        long h = 0xcbf29ce484222325L;
        h = mix(h, key);
        h = (h ^ 0x1f) * 0x100000001b3L;
        h = mix(h, node);
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    private static long mix(long h, String s) {
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x100000001b3L;
        }
        return h;
    }
}
