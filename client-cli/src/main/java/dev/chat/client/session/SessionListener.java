package dev.chat.client.session;

import dev.chat.protocol.ServerMessage;

/**
 * What a user interface hears from a {@link Session}. Called on the connection's reader thread
 * (or the session's supervisor thread for status lines) while the session holds its state lock,
 * so calls arrive in order; implementations print and return, and never call back into the
 * session from here.
 */
public interface SessionListener {

    /**
     * A message to show: a room message (at most once per {@code seq}, in {@code seq} order per
     * room, also across reconnects) or a direct message.
     *
     * @param own whether we sent it
     */
    void onChat(ServerMessage.ChatMessage message, boolean own);

    /** Someone joined, left, quit or changed nick in one of our rooms. */
    default void onMember(ServerMessage.Member member) {
    }

    /** A LAN peer's presence changed. */
    default void onPresence(ServerMessage.Presence presence) {
    }

    /** An {@code error} that answers nothing we are waiting for (e.g. {@code slow_consumer}). */
    default void onServerError(ServerMessage.Error error) {
    }

    /** A room's topic changed (a server with topics; docs/PROTOCOL.md). */
    default void onTopic(ServerMessage.Topic topic) {
    }

    /** A room's settings changed: invite-only, moderated, secret, a ban (docs/PROTOCOL.md). */
    default void onModeChange(ServerMessage.ModeChange change) {
    }

    /** An operator invited us to a room. */
    default void onInvited(ServerMessage.Invited invited) {
    }

    /** The server said {@code bye} and is about to close. */
    default void onBye(ServerMessage.Bye bye) {
    }

    /** A line about the connection for people: connecting, lost, reconnecting, caught up. */
    default void onStatus(String text) {
    }

    /** Connected and registered ({@code true}), or the connection was lost ({@code false}). */
    default void onConnectionChange(boolean connected) {
    }

    /**
     * The next attempt to connect comes after {@code delay} (a countdown can be shown), or, with
     * null, an attempt starts now.
     */
    default void onRetry(java.time.Duration delay) {
    }

    /** A room we asked for (at the start, or again after an outage) was refused; we are not in it. */
    default void onRoomRefused(String room, ServerMessage.Error error) {
        onStatus("could not join #" + room + ": " + error.code()
                + (error.message() == null || error.message().isEmpty() ? "" : ": " + error.message()));
    }
}
