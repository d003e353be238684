package dev.chat.server.tls;

import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.vertx.core.Handler;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Names and counts, by {@link Kind}, the connections to one TLS listener that never completed a
 * handshake: one log line each that names the mistake, counts for {@code /metrics}. Two sources
 * feed it, both set up by {@link ServerTls}: the {@link FirstBytesGuard} in front of TLS reports
 * plaintext and garbage with the client's address ({@link #rejected}); the listener's
 * {@code exceptionHandler} (this object, set before {@code listen}) reports everything else.
 *
 * <p>What Vert.x 5.0.7 lets us see there: its {@code NetServerImpl} puts Netty's
 * {@code SslHandler} first in a new connection's pipeline and reports a failed handshake only
 * to this handler, as the bare cause, with no channel and so no peer address. A stalled
 * handshake gives {@link SslHandshakeTimeoutException} (after
 * {@link TlsSettings#handshakeTimeout()}, and the connection is closed); a client that refuses
 * our certificate sends an alert that arrives as an {@link SSLException} naming it; bytes that
 * are not TLS give a {@link NotSslRecordException} (with the JDK engine its message carries the
 * bytes in hex, with BoringSSL it does not: hence the guard).
 *
 * <p>Lines are rate-limited (at most {@value #BURST} per {@value #WINDOW_SECONDS} s per
 * listener, then a count of the ones left out), so a scanner cannot flood the log.
 */
public final class HandshakeFailures implements Handler<Throwable>, FirstBytesGuard.Sink {

    /** Why a handshake failed. */
    public enum Kind {
        /** A length-prefixed JSON frame: a chat client without TLS. */
        PLAINTEXT_FRAME("a plaintext chat frame instead of a TLS ClientHello (a client without --tls? the plaintext "
                + "port is the one for it)"),
        /** An HTTP request line. */
        PLAINTEXT_HTTP("a plaintext HTTP request to a TLS port (use https://)"),
        /** An IRC command. */
        PLAINTEXT_IRC("plaintext IRC to a TLS port (the IRC client must connect with TLS)"),
        /** Anything else that is not TLS. */
        NOT_TLS("bytes that are not TLS"),
        /** No handshake within the timeout. */
        TIMEOUT("no complete TLS handshake within the timeout (a stalled or very slow client); cut off"),
        /** The client refused our certificate (an alert). */
        CERTIFICATE_REFUSED("the client refused our certificate (expected from a client that does not trust it yet)"),
        /** No common protocol version or cipher suite. */
        NO_COMMON_PARAMETERS("no TLS version or cipher suite in common (the client is too old: TLS 1.2+ with "
                + "AEAD ciphers only)"),
        /** The client went away during the handshake. */
        CLOSED("the client closed the connection during the handshake"),
        /** Any other handshake error. */
        OTHER("TLS handshake failed");

        private final String text;

        Kind(String text) {
            this.text = text;
        }

        /** What the mistake was, for people. */
        public String text() {
            return text;
        }
    }

    static final int BURST = 10;
    static final int WINDOW_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeFailures.class);

    private final String listener;
    private final Map<Kind, LongAdder> counts = new EnumMap<>(Kind.class);
    private final java.util.concurrent.atomic.AtomicLong closedByGuard = new java.util.concurrent.atomic.AtomicLong();
    private long windowStart;
    private int logged;
    private long suppressed;

    /** @param listener the listener's name in log lines ({@code tls}, {@code https}, {@code irc-tls}) */
    public HandshakeFailures(String listener) {
        this.listener = listener;
        for (Kind k : Kind.values()) {
            counts.put(k, new LongAdder());
        }
    }

    @Override
    public void rejected(Kind kind, SocketAddress remote, byte[] firstBytes) {
        counts.get(kind).increment();
        closedByGuard.incrementAndGet();
        if (allow()) {
            String detail = kind == Kind.NOT_TLS ? ": first bytes " + HexFormat.ofDelimiter(" ").formatHex(
                    java.util.Arrays.copyOf(firstBytes, Math.min(firstBytes.length, 16))) : "";
            LOG.info("{} port: {} sent {}{}; connection closed", listener, remote, kind.text(), detail);
        }
    }

    @Override
    public void handle(Throwable cause) {
        Kind kind = classify(cause);
        if (kind == Kind.CLOSED && closedByGuard.get() > 0 && closedByGuard.decrementAndGet() >= 0) {
            return; // the guard closed it, and said why
        }
        counts.get(kind).increment();
        String detail = kind == Kind.NOT_TLS || kind == Kind.OTHER || kind == Kind.NO_COMMON_PARAMETERS
                || kind == Kind.CERTIFICATE_REFUSED ? ": " + detail(cause) : "";
        if (kind == Kind.CLOSED) {
            LOG.debug("{} port: {}", listener, kind.text());
            return;
        }
        if (allow()) {
            LOG.info("{} port: {}{}; connection closed", listener, kind.text(), detail);
        }
    }

    /** How many handshakes failed for {@code kind} since start. */
    public long count(Kind kind) {
        return counts.get(kind).sum();
    }

    /** Why a handshake failed, from the cause Vert.x reports. */
    public static Kind classify(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof NotSslRecordException n) {
                return classifyBytes(firstBytes(n));
            }
            if (t instanceof SslHandshakeTimeoutException) {
                return Kind.TIMEOUT;
            }
            if (t instanceof ClosedChannelException) {
                return Kind.CLOSED;
            }
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("certificate_unknown") || m.contains("bad_certificate") || m.contains("unknown_ca")
                    || m.contains("certificate_expired") || m.contains("certificate unknown")
                    || m.contains("bad certificate") || m.contains("unknown ca")) {
                return Kind.CERTIFICATE_REFUSED;
            }
            if (m.contains("no_shared_cipher") || m.contains("no shared cipher") || m.contains("no cipher suites in common")
                    || m.contains("unsupported_protocol") || m.contains("protocol_version")
                    || m.contains("not enabled or supported") || m.contains("no appropriate protocol")) {
                return Kind.NO_COMMON_PARAMETERS;
            }
            if (m.contains("closed") && m.contains("handshake")) {
                return Kind.CLOSED;
            }
        }
        return Kind.OTHER;
    }

    /**
     * What the first bytes of a connection that did not start with a TLS record were: a chat
     * frame (4-byte big-endian length, then a JSON object), an HTTP or IRC line, or noise.
     */
    static Kind classifyBytes(byte[] b) {
        if (b.length >= 5) {
            long len = ((b[0] & 0xffL) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
            if (len > 0 && len <= 16 * 1024 * 1024 && b[4] == '{') {
                return Kind.PLAINTEXT_FRAME;
            }
        }
        String head = new String(b, 0, Math.min(b.length, 16), StandardCharsets.ISO_8859_1);
        for (String verb : new String[] {"GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ", "CONNECT ", "PATCH ",
                "PRI * HTTP"}) {
            if (head.startsWith(verb)) {
                return Kind.PLAINTEXT_HTTP;
            }
        }
        String upper = head.toUpperCase(Locale.ROOT);
        for (String cmd : new String[] {"NICK ", "USER ", "CAP ", "PASS ", "CAP\r", "CAP\n"}) {
            if (upper.startsWith(cmd)) {
                return Kind.PLAINTEXT_IRC;
            }
        }
        return Kind.NOT_TLS;
    }

    // Netty writes "not an SSL/TLS record: " followed by every byte received in hex.
    static byte[] firstBytes(NotSslRecordException e) {
        String m = String.valueOf(e.getMessage());
        int colon = m.lastIndexOf(": ");
        String hex = colon < 0 ? "" : m.substring(colon + 2).strip();
        hex = hex.substring(0, Math.min(hex.length(), 64) & ~1);
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException notHex) {
            return new byte[0];
        }
    }

    private static String detail(Throwable cause) {
        Throwable t = cause;
        while (t.getCause() != null && !(t instanceof NotSslRecordException) && !(t instanceof SSLException)) {
            t = t.getCause();
        }
        if (t instanceof NotSslRecordException n) {
            byte[] b = firstBytes(n);
            byte[] shown = java.util.Arrays.copyOf(b, Math.min(b.length, 16));
            return "first bytes " + HexFormat.ofDelimiter(" ").formatHex(shown);
        }
        String m = String.valueOf(t.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private synchronized boolean allow() {
        long now = System.nanoTime();
        if (now - windowStart > WINDOW_SECONDS * 1_000_000_000L) {
            if (suppressed > 0) {
                LOG.info("{} port: {} more failed TLS handshakes were not logged", listener, suppressed);
            }
            windowStart = now;
            logged = 0;
            suppressed = 0;
        }
        if (logged < BURST) {
            logged++;
            return true;
        }
        suppressed++;
        return false;
    }
}
