package dev.chat.client.net;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;

/**
 * Something put over a connected TCP socket before any frame goes through it: TLS
 * ({@code dev.chat.client.tls.TlsConnector}). {@link Connection#open} calls it once the TCP
 * connection is up; the socket it returns carries the frames.
 */
@FunctionalInterface
public interface SocketLayer {
    /**
     * Wraps {@code connected} (closing it on failure).
     *
     * @param timeout how long the layer's own set-up (a TLS handshake) may take
     * @throws IOException when the layer cannot be set up; an {@link UntrustedServerException}
     *         when the server's identity is refused
     */
    Socket wrap(Socket connected, ServerAddress address, Duration timeout) throws IOException;
}
