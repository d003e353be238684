package dev.chat.client.tls;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import dev.chat.protocol.CertificateFingerprint;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates for tests, made with Bouncy Castle: a CA, certificates it signs, self-signed ones, expired ones. */
public final class TestCertificates {

    /** A certificate chain (leaf first) and the leaf's key. */
    public record Issued(List<X509Certificate> chain, PrivateKey key) {
        public X509Certificate leaf() {
            return chain.get(0);
        }

        public String fingerprint() throws Exception {
            return CertificateFingerprint.of(leaf().getEncoded());
        }

        /** A PKCS#12 key store with the chain and key, alias "server", password "test". */
        public KeyStore keyStore() throws Exception {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", key, "test".toCharArray(), chain.toArray(Certificate[]::new));
            return ks;
        }

        /** Writes the leaf (the whole chain) as PEM to {@code file}. */
        public Path writePem(Path file) throws Exception {
            StringWriter out = new StringWriter();
            try (JcaPEMWriter w = new JcaPEMWriter(out)) {
                for (X509Certificate c : chain) {
                    w.writeObject(c);
                }
            }
            Files.writeString(file, out.toString());
            return file;
        }
    }

    private TestCertificates() {
    }

    /** A CA valid now. */
    public static Issued ca(String name) throws Exception {
        KeyPair pair = keyPair();
        return new Issued(List.of(build(name, pair, name, pair.getPrivate(), true, List.of(), Instant.now().minus(
                Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(365)))), pair.getPrivate());
    }

    /** A server certificate signed by {@code ca} for {@code names} (DNS names or IPv4 addresses). */
    public static Issued signedBy(Issued ca, List<String> names, Instant from, Instant to) throws Exception {
        KeyPair pair = keyPair();
        X509Certificate leaf = build(names.get(0), pair, ca.leaf().getSubjectX500Principal().getName(), ca.key(), false,
                names, from, to);
        return new Issued(List.of(leaf, ca.leaf()), pair.getPrivate());
    }

    /** A self-signed server certificate for {@code names}. */
    public static Issued selfSigned(List<String> names, Instant from, Instant to) throws Exception {
        KeyPair pair = keyPair();
        return new Issued(List.of(build(names.get(0), pair, "CN=" + names.get(0), pair.getPrivate(), false, names,
                from, to)), pair.getPrivate());
    }

    /** A self-signed server certificate for localhost and 127.0.0.1, valid now. */
    public static Issued selfSigned() throws Exception {
        return selfSigned(List.of("localhost", "127.0.0.1"), Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofDays(30)));
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate build(String cn, KeyPair pair, String issuer, PrivateKey signer, boolean ca,
                                         List<String> names, Instant from, Instant to) throws Exception {
        X500Name subject = new X500Name(cn.startsWith("CN=") ? cn : "CN=" + cn);
        X500Name issuerName = new X500Name(issuer.startsWith("CN=") ? issuer : "CN=" + issuer);
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
                new BigInteger(64, new SecureRandom()).add(BigInteger.ONE), Date.from(from), Date.from(to), subject,
                pair.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                : KeyUsage.digitalSignature));
        if (!names.isEmpty()) {
            List<GeneralName> gn = new ArrayList<>();
            for (String n : names) {
                gn.add(new GeneralName(n.matches("[0-9.]+") ? GeneralName.iPAddress : GeneralName.dNSName, n));
            }
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(gn.toArray(GeneralName[]::new)));
        }
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    }
}
