package dev.chat.protocol;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A TLS certificate's fingerprint as servers show it and clients pin it: {@code SHA256:} then
 * the SHA-256 digest of the certificate's DER encoding in standard Base64 without padding, as
 * OpenSSH writes key fingerprints ({@code SHA256:} + 43 characters).
 *
 * <p>It is the digest of the whole certificate, the same bytes
 * {@code openssl x509 -noout -fingerprint -sha256} digests (that tool prints them as hex with
 * colons; {@link #parse} accepts that form too and turns it into this one).
 */
public final class CertificateFingerprint {
    /** The prefix that names the digest. */
    public static final String PREFIX = "SHA256:";
    private static final Pattern CANONICAL = Pattern.compile("SHA256:[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]");
    private static final Pattern HEX = Pattern.compile("(?i)(?:sha-?256[:= ]\\s*)?((?:[0-9a-f]{2}:?){32})");

    private CertificateFingerprint() {
    }

    /** The fingerprint of a DER-encoded certificate. */
    public static String of(byte[] der) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(der);
            return PREFIX + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Whether {@code s} is a fingerprint in the canonical form ({@code SHA256:} + 43 Base64 characters). */
    public static boolean isValid(String s) {
        return s != null && CANONICAL.matcher(s).matches();
    }

    /**
     * Reads a fingerprint a person typed or pasted: the canonical form, or the 32-byte digest in
     * hex, with or without colons, optionally after {@code SHA256:} or {@code sha256 Fingerprint=}
     * (as openssl prints it).
     *
     * @return the canonical form
     * @throws IllegalArgumentException with a message fit for a user
     */
    public static String parse(String text) {
        String s = text == null ? "" : text.strip();
        if (isValid(s)) {
            return s;
        }
        String hexPart = s.regionMatches(true, 0, "sha256 Fingerprint=", 0, 19) ? s.substring(19) : s;
        var m = HEX.matcher(hexPart);
        if (m.matches()) {
            String hex = m.group(1).replace(":", "");
            return PREFIX + Base64.getEncoder().withoutPadding().encodeToString(HexFormat.of().parseHex(hex));
        }
        throw new IllegalArgumentException("'" + text + "' is not a certificate fingerprint: expected SHA256: "
                + "and 43 Base64 characters (as the server prints it), or 64 hex digits");
    }
}
