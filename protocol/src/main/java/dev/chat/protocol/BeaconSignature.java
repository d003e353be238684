package dev.chat.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code sig} of a client beacon: HMAC-SHA256, keyed with the {@code beacon_key} the server
 * gave the session in {@code welcome}, over the beacon's fields in this canonical form (UTF-8,
 * each line ended by one {@code \n}, numbers in decimal without leading zeros or sign):
 *
 * <pre>
 *   chat-beacon-v1
 *   &lt;nick, exactly as in the beacon&gt;
 *   &lt;status&gt;
 *   &lt;seq&gt;
 *   &lt;ts&gt;
 *   &lt;interval_ms&gt;
 * </pre>
 *
 * {@code sig} is the 32-byte MAC in standard Base64 with padding (44 characters). {@code seq} and
 * {@code ts} are signed, so a copy replayed later is recognised by them (docs/PRESENCE.md). Keys
 * are 32 random bytes, carried in Base64 the same way. Thread-safe.
 */
public final class BeaconSignature {
    /** Bytes of a beacon key. */
    public static final int KEY_BYTES = 32;
    /** Characters of a key or signature in Base64 (32 bytes, padded). */
    public static final int BASE64_LENGTH = 44;
    private static final String ALGORITHM = "HmacSHA256";
    private static final String DOMAIN = "chat-beacon-v1";
    private static final SecureRandom RANDOM = new SecureRandom();

    private BeaconSignature() {
    }

    /** A new random key. */
    public static byte[] newKey() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return key;
    }

    /** The key as {@code welcome} carries it. */
    public static String encodeKey(byte[] key) {
        return Base64.getEncoder().encodeToString(key);
    }

    /**
     * The key {@code welcome} carried.
     *
     * @throws IllegalArgumentException if it is not {@value #KEY_BYTES} bytes in Base64
     */
    public static byte[] decodeKey(String base64) {
        byte[] key = Base64.getDecoder().decode(base64);
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a beacon key is " + KEY_BYTES + " bytes, not " + key.length);
        }
        return key;
    }

    /** Whether {@code s} is 32 bytes in padded Base64, as keys and signatures are. */
    public static boolean isValidBase64(String s) {
        if (s == null || s.length() != BASE64_LENGTH) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(s).length == KEY_BYTES;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The canonical bytes the MAC covers (see the class comment). */
    public static byte[] canonical(Beacon.ClientBeacon b) {
        return (DOMAIN + "\n" + b.nick() + "\n" + b.status() + "\n" + b.seq() + "\n" + b.ts() + "\n" + b.intervalMs() + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The {@code sig} of the beacon's fields under {@code key} (its own {@code sig} is not covered). */
    public static String sign(byte[] key, Beacon.ClientBeacon b) {
        return Base64.getEncoder().encodeToString(mac(key, canonical(b)));
    }

    /** The beacon with its {@code sig} set. */
    public static Beacon.ClientBeacon signed(byte[] key, Beacon.ClientBeacon b) {
        return new Beacon.ClientBeacon(b.nick(), b.status(), b.seq(), b.ts(), b.intervalMs(), sign(key, b));
    }

    /** Whether the beacon carries a {@code sig} that is right for its fields under {@code key} (constant time). */
    public static boolean verify(byte[] key, Beacon.ClientBeacon b) {
        if (b.sig() == null || !isValidBase64(b.sig())) {
            return false;
        }
        return MessageDigest.isEqual(mac(key, canonical(b)), Base64.getDecoder().decode(b.sig()));
    }

    private static byte[] mac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e); // every JDK has it
        }
    }
}
