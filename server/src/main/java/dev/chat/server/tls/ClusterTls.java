package dev.chat.server.tls;

import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemTrustOptions;
import java.util.HashSet;
import java.util.concurrent.TimeUnit;

/**
 * {@code --cluster-tls}: TLS on the clustered event bus, the TCP connections between nodes
 * that carry every chat message, member event and request between them.
 *
 * <p>Both directions are authenticated: each node presents its certificate and requires one
 * from the node that connects to it ({@code ClientAuth.REQUIRED}), checked against
 * {@code trust}. So a stranger on the LAN can neither read the bus nor inject messages into it.
 * Vert.x connects to other nodes by the address they advertise and does not check host names
 * on the bus (its {@code ClusteredEventBus} turns that off); the check is that the peer's
 * certificate is signed by (or is) a trusted one.
 *
 * <p>What it needs: every node's certificate must be trusted by every other. The simplest:
 * one certificate and key (for example a self-signed one made once) copied to every node and
 * given as {@code --tls-cert}/{@code --tls-key}; then each node trusts exactly that certificate
 * ({@link CertificateMaterial#selfTrustOptions()}). Or one private CA signs a certificate per
 * node, and the CA is the trust. A node's own self-signed certificate made at first start
 * differs per node and cannot work alone.
 *
 * <p>What stays in plaintext: Hazelcast's own member protocol (membership, heartbeats, the
 * cluster maps that hold the nick and room directory and the partition data). TLS for member
 * connections is a Hazelcast Enterprise feature; open-source Hazelcast 5.3.8, which
 * vertx-hazelcast 5.0.7 brings, has neither TLS nor symmetric encryption. See docs/TLS.md for
 * how to protect it (a dedicated network, or a WireGuard/IPsec tunnel between the nodes).
 */
public final class ClusterTls {

    private ClusterTls() {
    }

    /**
     * Turns on TLS for the event bus, with {@code material} as this node's certificate and
     * {@code trust} as the certificates (or CAs) other nodes must present.
     */
    public static EventBusOptions applyTo(EventBusOptions options, CertificateMaterial material, PemTrustOptions trust,
                                          TlsEngine engine) {
        options.setSsl(true);
        options.setKeyCertOptions(material.keyCertOptions());
        options.setTrustOptions(trust);
        options.setClientAuth(ClientAuth.REQUIRED);
        options.setSslEngineOptions(engine.options().copy());
        options.setEnabledSecureTransportProtocols(new HashSet<>(TlsPolicy.PROTOCOLS));
        options.getEnabledCipherSuites().clear();
        TlsPolicy.CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
        options.setSslHandshakeTimeout(TlsSettings.DEFAULT_HANDSHAKE_TIMEOUT.toMillis());
        options.setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
        return options;
    }

    /** {@link #applyTo(EventBusOptions, CertificateMaterial, PemTrustOptions, TlsEngine)} trusting the node's own chain. */
    public static EventBusOptions applyTo(EventBusOptions options, ServerTls tls) {
        CertificateMaterial m = tls.material();
        return applyTo(options, m, m.selfTrustOptions(), tls.engine());
    }
}
