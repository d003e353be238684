package dev.chat.server.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * The two cluster-wide registries, in Hazelcast maps through Vert.x's {@link AsyncMap} (whose
 * operations run on Hazelcast's async API or on worker threads, never blocking the event loop):
 * <ul>
 *   <li>nicks: nick key to holder {@code node/session}; {@code putIfAbsent} makes nicks unique;
 *   <li>room owners: room to {@code node/epoch}; {@code putIfAbsent} picks a new room's owner,
 *       compare-and-set moves it when the owner died.
 * </ul>
 * Entries can outlive what they name (a node that left; a merge after a partition bringing back
 * entries of closed sessions): a claim takes over a holder whose session is gone, and the leader
 * sweeps a dead node's nicks.
 */
final class Directory {
    static final String NICKS = "chat.nicks";
    static final String ROOM_OWNERS = "chat.room-owners";

    private final AsyncMap<String, String> nicks;
    private final AsyncMap<String, String> rooms;

    private Directory(AsyncMap<String, String> nicks, AsyncMap<String, String> rooms) {
        this.nicks = nicks;
        this.rooms = rooms;
    }

    /**
     * Gets both maps once; they are reused for the node's life. On a worker: the cluster manager
     * creates the Hazelcast map proxies synchronously, which can wait on the other members.
     */
    static Future<Directory> open(Vertx vertx) {
        return vertx.executeBlocking(() -> new Directory(map(vertx, NICKS), map(vertx, ROOM_OWNERS)), false);
    }

    private static AsyncMap<String, String> map(Vertx vertx, String name) throws Exception {
        return vertx.sharedData().<String, String>getAsyncMap(name).toCompletionStage().toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
    }

    /** {@code node/session}: who holds a nick. */
    static String holder(String node, long session) {
        return node + "/" + session;
    }

    /** {@code node/epoch}: who owns a room, in which term. */
    static String owner(String node, long epoch) {
        return node + "/" + epoch;
    }

    static String nodeOf(String value) {
        return value.substring(0, value.lastIndexOf('/'));
    }

    static long numberOf(String value) {
        return Long.parseLong(value.substring(value.lastIndexOf('/') + 1));
    }

    /**
     * Claims a nick for {@code holder}: true if it was free, already the holder's, or held by a
     * holder that {@code gone} says is gone (then it is taken over with compare-and-set).
     */
    Future<Boolean> claimNick(String key, String holder, BiFunction<String, String, Future<Boolean>> gone) {
        return claimNick(key, holder, gone, 3);
    }

    private Future<Boolean> claimNick(String key, String holder, BiFunction<String, String, Future<Boolean>> gone,
                                      int attempts) {
        return nicks.putIfAbsent(key, holder).compose(prev -> {
            if (prev == null || prev.equals(holder)) {
                return Future.succeededFuture(true);
            }
            return gone.apply(key, prev).compose(isGone -> isGone ? takeOver(key, prev, holder, gone, attempts)
                    : Future.succeededFuture(false));
        });
    }

    private Future<Boolean> takeOver(String key, String prev, String holder,
                                     BiFunction<String, String, Future<Boolean>> gone, int attempts) {
        return nicks.replaceIfPresent(key, prev, holder).compose(replaced ->
                // not replaced: the stale entry changed meanwhile (swept, or claimed by someone else)
                replaced || attempts <= 1 ? Future.succeededFuture(replaced) : claimNick(key, holder, gone, attempts - 1));
    }

    /** Frees a nick if {@code holder} still holds it. */
    Future<Boolean> releaseNick(String key, String holder) {
        return nicks.removeIfPresent(key, holder);
    }

    /** The holder of a nick, or null. */
    Future<String> nickHolder(String key) {
        return nicks.get(key);
    }

    /** Removes every nick whose holder is stale; returns how many. */
    Future<Integer> sweepNicks(Predicate<String> stale) {
        return nicks.entries().compose(all -> {
            List<Future<Boolean>> removals = new ArrayList<>();
            for (Map.Entry<String, String> e : all.entrySet()) {
                if (stale.test(e.getValue())) {
                    removals.add(nicks.removeIfPresent(e.getKey(), e.getValue()));
                }
            }
            return Future.join(removals).transform(ar -> Future.succeededFuture(removals.size()));
        });
    }

    /** The room's owner entry {@code node/epoch}, or null for a room the cluster never had. */
    Future<String> roomOwner(String room) {
        return rooms.get(room);
    }

    /** Makes {@code owner} the room's owner unless it has one; returns the previous entry or null. */
    Future<String> createRoom(String room, String owner) {
        return rooms.putIfAbsent(room, owner);
    }

    /** Moves a room from a dead owner: compare-and-set from {@code expected}. */
    Future<Boolean> takeRoom(String room, String expected, String owner) {
        return rooms.replaceIfPresent(room, expected, owner);
    }
}
