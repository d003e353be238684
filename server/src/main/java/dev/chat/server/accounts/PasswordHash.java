package dev.chat.server.accounts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes (Bouncy Castle's implementation), written in the PHC string format
 * so that the parameters travel with each hash and can be raised later without breaking old ones:
 *
 * <pre>
 * $argon2id$v=19$m=19456,t=2,p=1$&lt;salt, Base64 without padding&gt;$&lt;hash, Base64 without padding&gt;
 * </pre>
 *
 * The default cost is OWASP's minimum for Argon2id (19 MiB, 2 passes, 1 lane): about 50 ms of
 * one core. Slow on purpose: every method blocks, so call them on a worker, never an event loop.
 * Thread-safe.
 */
public final class PasswordHash {
    /** Memory cost in KiB, passes, and lanes of new hashes. */
    public static final int DEFAULT_MEMORY_KIB = 19_456;
    public static final int DEFAULT_ITERATIONS = 2;
    public static final int DEFAULT_PARALLELISM = 1;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    /** Stored parameters above these are refused (a damaged or hostile record must not exhaust memory). */
    private static final int MAX_MEMORY_KIB = 1 << 20;
    private static final int MAX_ITERATIONS = 100;
    private static final int MAX_PARALLELISM = 16;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final int memoryKib;
    private final int iterations;
    private final int parallelism;
    private final SecureRandom random = new SecureRandom();
    /** Verified against when an account does not exist, so that the answer takes as long as for one that does. */
    private final String dummy;

    public PasswordHash() {
        this(DEFAULT_MEMORY_KIB, DEFAULT_ITERATIONS, DEFAULT_PARALLELISM);
    }

    /** A hasher with its own cost (tests use a cheap one). */
    public PasswordHash(int memoryKib, int iterations, int parallelism) {
        if (memoryKib < 8 * parallelism || memoryKib > MAX_MEMORY_KIB || iterations < 1 || iterations > MAX_ITERATIONS
                || parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("Argon2 parameters out of range: m=" + memoryKib + " t=" + iterations
                    + " p=" + parallelism);
        }
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.parallelism = parallelism;
        this.dummy = hash("not a password: " + random.nextLong());
    }

    /** A new hash of the password with a fresh random salt. Blocking. */
    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] h = argon2(password, salt, memoryKib, iterations, parallelism, HASH_BYTES);
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "$"
                + B64.encodeToString(salt) + "$" + B64.encodeToString(h);
    }

    /**
     * Whether the password matches the encoded hash, compared in constant time; false for a hash
     * that does not parse. {@code encoded} null: a missing account, checked against a dummy hash
     * so that it costs the same, and false. Blocking.
     */
    public boolean verify(String password, String encoded) {
        boolean real = encoded != null;
        String[] parts = (real ? encoded : dummy).split("\\$");
        // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
        if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
            return false;
        }
        int m;
        int t;
        int p;
        byte[] salt;
        byte[] expected;
        try {
            String[] params = parts[3].split(",");
            if (params.length != 3 || !params[0].startsWith("m=") || !params[1].startsWith("t=")
                    || !params[2].startsWith("p=")) {
                return false;
            }
            m = Integer.parseInt(params[0].substring(2));
            t = Integer.parseInt(params[1].substring(2));
            p = Integer.parseInt(params[2].substring(2));
            salt = B64D.decode(parts[4]);
            expected = B64D.decode(parts[5]);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (m < 8 * p || m > MAX_MEMORY_KIB || t < 1 || t > MAX_ITERATIONS || p < 1 || p > MAX_PARALLELISM
                || salt.length < 8 || expected.length < 16 || expected.length > 64) {
            return false;
        }
        byte[] actual = argon2(password, salt, m, t, p, expected.length);
        return MessageDigest.isEqual(actual, expected) && real;
    }

    private static byte[] argon2(String password, byte[] salt, int m, int t, int p, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(m)
                .withIterations(t)
                .withParallelism(p)
                .withSalt(salt)
                .build();
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(params);
        byte[] pw = password.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[length];
        try {
            gen.generateBytes(pw, out);
        } finally {
            Arrays.fill(pw, (byte) 0);
        }
        return out;
    }
}
