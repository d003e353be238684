package dev.chat.server.rooms;

import dev.chat.server.core.Refusal;
import dev.chat.server.core.Refused;
import dev.chat.server.store.StoreErrorKind;
import dev.chat.server.store.StoreException;

/**
 * What a client is told when the store fails it: {@code error{code:"unavailable"}} with a short
 * reason in the client's words (never a path or a database's message: those are in the server's
 * log and {@code /health}). Shared by the backends that write through a
 * {@link dev.chat.server.store.MessageStore}.
 */
public final class StoreRefusals {

    private StoreRefusals() {
    }

    /** The refusal of a {@code say} whose message the store did not commit. */
    public static Refused notStored(Throwable failure) {
        if (failure instanceof Refused r) {
            return r;
        }
        StoreErrorKind kind = kindOf(failure);
        if (kind == StoreErrorKind.OTHER && String.valueOf(failure.getMessage()).contains("U+0000")) {
            return Refusal.NOT_STORABLE.refused();
        }
        return Refusal.NOT_STORED.refused(why(kind));
    }

    /** The refusal of a room moderation change the store did not keep. */
    public static Refused notSaved(Throwable failure) {
        if (failure instanceof Refused r) {
            return r;
        }
        return Refusal.ROOM_NOT_SAVED.refused(why(kindOf(failure)));
    }

    /** The refusal of a request whose read from the store failed. */
    public static Refused unreadable(Throwable failure) {
        if (failure instanceof Refused r) {
            return r;
        }
        return Refusal.STORE_UNREADABLE.refused(why(kindOf(failure)));
    }

    private static StoreErrorKind kindOf(Throwable t) {
        return t instanceof StoreException se ? se.kind() : StoreErrorKind.OTHER;
    }

    /** The reason, as a client reads it. */
    static String why(StoreErrorKind kind) {
        return switch (kind) {
            case DISK_FULL -> "the server's disk is full";
            case IO -> "a disk error on the server";
            case CONNECTION, UNAVAILABLE -> "the server's database cannot be reached";
            case BUSY -> "the server's database is busy";
            case QUEUE_FULL -> "too many messages are waiting to be stored";
            case CORRUPT -> "the server's database is damaged";
            case CLOSED -> "the server is stopping";
            case OTHER -> "the server's database failed";
        };
    }
}
