package dev.chat.server.core;

import dev.chat.protocol.ServerMessage;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * A front door: a listener that turns its wire format into {@link dev.chat.protocol.ClientMessage}
 * requests and renders replies and events back. Registered once with the server
 * ({@code ChatServer.start(config, transports...)}); every event loop then starts one
 * {@link Listener} of it on its own context, so the transport's connections share the loop (its
 * session table, its timers, its outputs) with every other transport's.
 */
public interface Transport {

    /** For logs and the {@code READY} line: {@code tcp}, {@code irc}, {@code ws}. */
    String name();

    /** The byte format its connections are written in. */
    Format format();

    /**
     * What this transport adds to the node's {@code welcome}, sent on every transport: the TLS
     * port names itself and its certificate ({@code tls_port}, {@code tls_fingerprint}), so a
     * plaintext client learns where TLS is. Called on a loop's context; by default nothing.
     */
    default ServerMessage.Welcome welcome(ServerMessage.Welcome w) {
        return w;
    }

    /** Makes this transport's listener for one loop; called on that loop's context. */
    Listener listener(ChatLoop loop);

    /** One loop's listener (all loops listen on the same port; Vert.x spreads the connections). */
    interface Listener {
        /**
         * Binds; completes with the port actually bound. A failure to bind fails with a
         * {@link ListenException} naming the option, address and port.
         */
        Future<Integer> listen();

        /**
         * The server stops: stop accepting, say {@code bye} to this loop's connections through
         * the transport's own close sequence, and complete once they are closed or after
         * {@code grace} (then the rest are cut off).
         */
        Future<Void> shutdown(Duration grace);
    }
}
