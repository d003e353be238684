package dev.chat.server.core;

import java.util.ArrayList;
import java.util.List;

/** Where a hub backend sends fan-out: one {@link Delivery} per lane that has recipients. */
@FunctionalInterface
public interface Outbox {
    void send(int lane, Delivery delivery);

    /**
     * Sends one encoded message to recipients grouped by lane ({@code byLane[lane]}), one delivery
     * per lane that has any, leaving out {@code except} (may be null).
     */
    default void fanOut(dev.chat.protocol.ServerMessage event, byte[] frame, Recipient[][] byLane,
                        Recipient except, boolean chat) {
        for (int lane = 0; lane < byLane.length; lane++) {
            Recipient[] to = byLane[lane];
            if (except != null && except.lane() == lane) {
                List<Recipient> rest = new ArrayList<>(to.length);
                for (Recipient r : to) {
                    if (r != except) {
                        rest.add(r);
                    }
                }
                to = rest.toArray(new Recipient[0]);
            }
            if (to.length > 0) {
                send(lane, new Delivery(event, frame, to, chat));
            }
        }
    }

    /** Sends a message to one session. */
    default void sendTo(Recipient to, dev.chat.protocol.ServerMessage event, boolean chat) {
        send(to.lane(), Delivery.of(event, new Recipient[] {to}, chat));
    }
}
