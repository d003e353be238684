package dev.chat.server.rooms;

import dev.chat.protocol.ServerMessage.ChatMessage;
import dev.chat.server.store.StoredMessage;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.core.Participant;
import io.vertx.core.Promise;
import java.util.List;

/**
 * A room message numbered by the hub and handed to the store: it is delivered, and its sender
 * answered {@code ok}, only once the store committed it and every earlier message of its room is
 * settled. Or a change of the room's moderation ({@code message} null): its {@code events} go to
 * the members (and to {@code kicked}) in the same order, once its state is stored. Hub context only.
 */
final class Pending {
    final Room room;
    final ChatMessage message;
    final StoredMessage stored;
    /** A moderation change's events (empty for a message). */
    final List<ServerMessage> events;
    /** The member a kick removed, who gets the events too; null: none. */
    final Participant kicked;
    /** The hub's deadline for the {@code say} ({@link System#nanoTime()}). */
    final long deadline;
    /** Completes with the {@code say}: ok once delivered, or its refusal. */
    final Promise<Void> answer = Promise.promise();
    private boolean settled;
    private Throwable failure;
    private boolean released;

    Pending(Room room, ChatMessage message, long deadline) {
        this.room = room;
        this.message = message;
        this.stored = StoredMessage.of(message);
        this.deadline = deadline;
        this.events = List.of();
        this.kicked = null;
    }

    /** A moderation change. */
    Pending(Room room, List<ServerMessage> events, Participant kicked, long deadline) {
        this.room = room;
        this.message = null;
        this.stored = null;
        this.deadline = deadline;
        this.events = events;
        this.kicked = kicked;
    }

    /** The store answered: committed ({@code failure} null) or not. */
    void settle(Throwable failure) {
        this.settled = true;
        this.failure = failure;
    }

    boolean settled() {
        return settled;
    }

    /** Why the store did not commit it; null if it did. */
    Throwable failure() {
        return failure;
    }

    /** Delivered, or refused: nothing more to do for it. */
    void released() {
        released = true;
    }

    boolean isReleased() {
        return released;
    }
}
