package dev.chat.server.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where rooms and their history are kept: in memory, in an SQLite file, or in PostgreSQL
 * ({@link Stores#open}). Every method may be called from any thread and never blocks; results
 * complete on the caller's Vert.x context (outside Vert.x, on a store thread).
 *
 * <p>Writes ({@link #append}, {@link #saveRoom}, {@link #deleteRoom}) are applied in the order
 * they were called, grouped into few transactions (everything that arrives while a commit runs
 * goes into the next one), and each completes only after its transaction committed as far as
 * {@link Durability} says: answer {@code ok} to a {@code say} only then. A failed write fails its
 * future with a {@link StoreException}; the store reports itself degraded ({@link #health()})
 * until a write succeeds again, and reads keep working meanwhile.
 *
 * <p>Reads see every write whose future completed, and possibly some whose future has not yet.
 */
public interface MessageStore {

    /** The most messages one read returns; larger limits are cut to it. */
    int MAX_READ = 10_000;

    /**
     * Stores a message. Appending a {@code (room, seq)} that is stored already changes nothing
     * and succeeds (a retried append is harmless).
     *
     * @return completes once the message is committed; fails with a {@link StoreException}
     *     when it was not ({@link StoreErrorKind#QUEUE_FULL} at once if too much is waiting)
     */
    Future<Void> append(StoredMessage message);

    /** The latest {@code limit} messages of the room, oldest first; empty for an unknown room. */
    Future<List<StoredMessage>> latest(String room, int limit);

    /** The first {@code limit} messages with {@code seq > afterSeq}, oldest first. */
    Future<List<StoredMessage>> after(String room, long afterSeq, int limit);

    /**
     * The highest {@code seq} of every room ever appended to (also when retention pruned all its
     * messages): read it at start so that each room's numbering continues.
     */
    Future<Map<String, Long>> lastSeqs();

    /** The highest {@code seq} ever appended to the room, or 0. */
    Future<Long> lastSeq(String room);

    /** The room's message that request {@code requestId} produced, if the store still has it. */
    Future<Optional<StoredMessage>> byRequestId(String room, String requestId);

    /** What the store keeps about a room, if it has ever stored anything of it. */
    Future<Optional<RoomInfo>> room(String room);

    /** Sets a room's topic (null: none) and settings, creating its row if needed. */
    Future<Void> saveRoom(String room, String topic, JsonObject attrs);

    /**
     * Forgets a room: its messages, its settings and its numbering (a cluster node that must take
     * another node's copy of the room).
     */
    Future<Void> deleteRoom(String room);

    /** Ok, or degraded with the last error. Cheap; any thread. */
    StoreHealth health();

    /** Appends waiting for their commit, including the one being committed. Any thread. */
    int queueDepth();

    /**
     * Bytes of messages this store holds in the process's memory: the memory store's whole
     * content ({@link BoundedHistory}); 0 for the stores on disk. Any thread.
     */
    default long heldBytes() {
        return 0;
    }

    /**
     * The store's accounts (schema 3). This default keeps them in memory, for stores that have
     * no table for them (test doubles), a new one per call; the three real stores return their own.
     */
    default AccountStore accounts() {
        return AccountStore.inMemory();
    }

    /** What and where, without secrets ({@link StoreConfig#describe()}). */
    String describe();

    /**
     * Commits what was accepted, then closes the database and releases the data directory.
     * Appends after this fail with {@link StoreErrorKind#CLOSED}.
     */
    Future<Void> close();
}
