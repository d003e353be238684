package dev.chat.server.tls;

import io.netty.handler.ssl.OpenSsl;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;

/**
 * Which TLS implementation the listeners use: Netty's OpenSSL binding (BoringSSL, from
 * {@code netty-tcnative-boringssl-static}) where its native library loads, which encrypts with
 * less CPU and garbage than the JDK's engine; the JDK's engine otherwise (another platform, a
 * locked-down {@code /tmp} the library cannot be unpacked to). {@link #describe} says which,
 * for the start-up log line.
 *
 * @param options what to hand to Vert.x ({@code setSslEngineOptions})
 * @param description for people: {@code OpenSSL (BoringSSL)} or {@code JDK (...why)}
 */
public record TlsEngine(SSLEngineOptions options, String description) {

    /**
     * OpenSSL when available and {@code preferOpenSsl}, else the JDK's engine.
     *
     * @param preferOpenSsl false forces the JDK engine (to compare them, or to work around a
     *        native-library problem)
     */
    public static TlsEngine choose(boolean preferOpenSsl) {
        if (!preferOpenSsl) {
            return new TlsEngine(new JdkSSLEngineOptions(), "JDK " + Runtime.version().feature() + " (by choice)");
        }
        if (OpenSSLEngineOptions.isAvailable()) {
            return new TlsEngine(new OpenSSLEngineOptions(), "OpenSSL (" + OpenSsl.versionString() + ", netty-tcnative)");
        }
        Throwable why = OpenSsl.unavailabilityCause();
        return new TlsEngine(new JdkSSLEngineOptions(), "JDK " + Runtime.version().feature()
                + " (the OpenSSL binding did not load: " + (why == null ? "unknown reason" : firstLine(why)) + ")");
    }

    /** Whether this is the OpenSSL engine. */
    public boolean isOpenSsl() {
        return options instanceof OpenSSLEngineOptions;
    }

    private static String firstLine(Throwable t) {
        String m = String.valueOf(t.getMessage());
        int nl = m.indexOf('\n');
        return t.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl));
    }
}
