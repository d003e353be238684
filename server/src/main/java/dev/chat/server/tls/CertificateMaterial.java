package dev.chat.server.tls;

import dev.chat.protocol.CertificateFingerprint;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * One certificate chain and its private key, checked to belong together, ready to hand to
 * Vert.x. Immutable: a reload makes a new one.
 *
 * @param chain leaf first, then the intermediates (the root may follow; clients ignore it)
 * @param key the leaf's private key
 * @param source where it came from, for log lines ({@code /etc/chat/cert.pem}, {@code self-signed ...})
 */
public record CertificateMaterial(List<X509Certificate> chain, PrivateKey key, String source) {

    public CertificateMaterial {
        chain = List.copyOf(chain);
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(source, "source");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("empty certificate chain");
        }
    }

    /** The server's own certificate. */
    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** {@code SHA256:...} of the leaf, as {@link CertificateFingerprint} writes it. */
    public String fingerprint() {
        try {
            return CertificateFingerprint.of(leaf().getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("a parsed certificate always encodes", e);
        }
    }

    /** When the leaf expires. */
    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    /** The chain as PEM text, leaf first. */
    public String chainPem() {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            for (X509Certificate c : chain) {
                w.writeObject(c);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** The key as unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), the form every TLS engine reads. */
    public String keyPem() {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(new PemObject("PRIVATE KEY", key.getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** The Vert.x key/certificate options for this material (values in memory, no file paths). */
    public PemKeyCertOptions keyCertOptions() {
        return new PemKeyCertOptions().addCertValue(Buffer.buffer(chainPem())).addKeyValue(Buffer.buffer(keyPem()));
    }

    /**
     * Trust options naming the top of this chain: the certificate itself when self-signed, else
     * the last certificate in the file (the CA, when the file carries it). For peers that share
     * this certificate or its CA (the cluster's event bus).
     */
    public PemTrustOptions selfTrustOptions() {
        X509Certificate top = chain.get(chain.size() - 1);
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(top);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new PemTrustOptions().addCertValue(Buffer.buffer(out.toString()));
    }
}
