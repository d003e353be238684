package dev.chat.server.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate a node uses when the operator gave none: made with Bouncy Castle at first
 * start, kept in {@code DATA_DIR/tls/} ({@value #CERT_FILE}, {@value #KEY_FILE}, the key readable
 * by the owner only), and used again at every later start, so its fingerprint stays the same
 * and clients that remembered it keep trusting it.
 *
 * <p>Choices, all in {@link #generate}:
 * <ul>
 * <li>ECDSA on P-256 (secp256r1) with SHA-256: a 64-byte signature per handshake that costs a
 *     fraction of an RSA-2048 signature on the server (the side that signs at every handshake,
 *     so the one a reconnect storm loads), a 91-byte public key instead of 294, and support in
 *     every TLS 1.2 and 1.3 client of the last decade (JDK, OpenSSL, browsers, BoringSSL).
 *     RSA 2048 would only add ancient clients, which TLS 1.2-only with modern suites excludes
 *     anyway.</li>
 * <li>Valid for {@value #VALIDITY_DAYS} days from an hour ago (clock skew). A self-signed
 *     certificate is trusted by its fingerprint, not by a CA, so expiry buys nothing but a
 *     fingerprint change that every client would refuse; the CA/Browser 398-day rule is for
 *     publicly trusted certificates. It is made again (with a warning naming the new
 *     fingerprint) once it has less than {@value #RENEW_DAYS} days left.</li>
 * <li>Subject {@code CN=<host name>}, subject alternative names: the host name, {@code localhost},
 *     127.0.0.1, ::1 and the names given (the bound and advertised addresses), so that a
 *     client given this certificate as its CA ({@code --tls-ca}, {@code curl --cacert}) can
 *     also check the name. Not a CA (basicConstraints CA:false), key usage digitalSignature,
 *     extended key usage serverAuth and clientAuth (the cluster's event bus uses it both ways).</li>
 * </ul>
 */
public final class SelfSignedCertificate {
    /** Directory under the data directory. */
    public static final String DIRECTORY = "tls";
    /** The certificate, PEM. */
    public static final String CERT_FILE = "self-signed-cert.pem";
    /** Its private key, PKCS#8 PEM, mode 0600. */
    public static final String KEY_FILE = "self-signed-key.pem";
    /** Lifetime of a new certificate. */
    public static final int VALIDITY_DAYS = 3650;
    /** A certificate with fewer days left is replaced at start. */
    public static final int RENEW_DAYS = 30;

    private static final Logger LOG = LoggerFactory.getLogger(SelfSignedCertificate.class);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private SelfSignedCertificate() {
    }

    /**
     * The node's self-signed certificate from {@code dataDir}, made first if there is none or
     * the one there is unusable or about to expire. Blocking (key generation, disk).
     *
     * @param names extra subject alternative names: host names and IP addresses
     * @throws CertificateException when the directory cannot be written
     */
    public static CertificateMaterial loadOrCreate(Path dataDir, List<String> names) throws CertificateException {
        Path dir = dataDir.resolve(DIRECTORY);
        Path cert = dir.resolve(CERT_FILE);
        Path key = dir.resolve(KEY_FILE);
        if (Files.exists(cert) && Files.exists(key)) {
            try {
                CertificateMaterial kept = PemFiles.load(cert, key);
                Duration left = Duration.between(Instant.now(), kept.notAfter());
                if (left.compareTo(Duration.ofDays(RENEW_DAYS)) > 0) {
                    return new CertificateMaterial(kept.chain(), kept.key(), "self-signed " + cert);
                }
                LOG.warn("the self-signed certificate in {} expires on {}: making a new one; clients that "
                        + "remembered the old fingerprint will refuse the new one until they forget it", cert,
                        kept.notAfter());
            } catch (CertificateException e) {
                LOG.warn("the self-signed certificate in {} cannot be used ({}): making a new one; clients "
                        + "that remembered the old fingerprint will refuse the new one", dir, e.getMessage());
            }
        }
        CertificateMaterial made = generate(hostName(), names);
        write(dir, cert, key, made);
        LOG.info("made a self-signed TLS certificate in {} (ECDSA P-256, valid until {})", cert, made.notAfter());
        return new CertificateMaterial(made.chain(), made.key(), "self-signed " + cert);
    }

    /** A new self-signed certificate for {@code hostName} and {@code names}; nothing is written. */
    public static CertificateMaterial generate(String hostName, List<String> names) throws CertificateException {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = gen.generateKeyPair();
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.O, "chat (self-signed)")
                    .addRDN(BCStyle.CN, hostName)
                    .build();
            Instant from = Instant.now().minus(Duration.ofHours(1));
            Instant to = from.plus(Duration.ofDays(VALIDITY_DAYS));
            BigInteger serial = new BigInteger(159, new SecureRandom()).setBit(0);
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial, Date.from(from),
                    Date.from(to), subject, pair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                    new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            b.addExtension(Extension.subjectAlternativeName, false, subjectAltNames(hostName, names));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            return new CertificateMaterial(List.of(cert), pair.getPrivate(), "self-signed (new)");
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new CertificateException("cannot make a self-signed certificate: " + e.getMessage(), e);
        }
    }

    static GeneralNames subjectAltNames(String hostName, List<String> names) {
        Set<String> all = new LinkedHashSet<>();
        all.add(hostName);
        all.add("localhost");
        all.add("127.0.0.1");
        all.add("::1");
        all.addAll(names);
        List<GeneralName> out = new ArrayList<>();
        for (String n : all) {
            if (n == null || n.isBlank() || n.equals("0.0.0.0") || n.equals("::") || n.equals("[::]")) {
                continue; // a wildcard bind address names no host
            }
            String s = n.startsWith("[") && n.endsWith("]") ? n.substring(1, n.length() - 1) : n;
            boolean ip = IPV4.matcher(s).matches() || s.contains(":");
            out.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, s));
        }
        return new GeneralNames(out.toArray(GeneralName[]::new));
    }

    /** This machine's host name, or {@code localhost} when it has none. */
    static String hostName() {
        try {
            String h = InetAddress.getLocalHost().getHostName();
            return h == null || h.isBlank() ? "localhost" : h;
        } catch (IOException e) {
            return "localhost";
        }
    }

    // Key first, written to a temporary file with 0600 before any byte goes in, then both moved
    // into place: a crash leaves either the old pair or the new one, never a half-written key.
    private static void write(Path dir, Path cert, Path key, CertificateMaterial m) throws CertificateException {
        try {
            Files.createDirectories(dir);
            try {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
            moveIntoPlace(dir, key, m.keyPem(), "rw-------");
            moveIntoPlace(dir, cert, m.chainPem(), "rw-r--r--");
        } catch (IOException e) {
            throw new CertificateException("cannot write the self-signed certificate to " + dir + ": " + e.getMessage()
                    + " (the data directory must be writable)", e);
        }
    }

    private static void moveIntoPlace(Path dir, Path target, String text, String mode) throws IOException {
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
        } catch (UnsupportedOperationException | FileAlreadyExistsException e) {
            Files.deleteIfExists(tmp);
            Files.createFile(tmp);
        }
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
