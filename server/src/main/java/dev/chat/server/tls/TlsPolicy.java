package dev.chat.server.tls;

import java.util.List;
import java.util.Set;

/**
 * What every TLS listener of the server accepts: TLS 1.3 and 1.2, and for 1.2 only ephemeral
 * ECDHE key exchange with AEAD ciphers (AES-GCM, ChaCha20-Poly1305), as Mozilla's
 * "intermediate" configuration; no CBC, no RSA key exchange, no SHA-1 MACs, no TLS 1.0/1.1.
 * Names are the IANA ones Java uses; Netty maps them for OpenSSL/BoringSSL.
 */
public final class TlsPolicy {
    /** Protocol versions, newest first. */
    public static final Set<String> PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");

    /** Cipher suites, in preference order (TLS 1.3 ones first; the engine picks among what both sides offer). */
    public static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private TlsPolicy() {
    }
}
