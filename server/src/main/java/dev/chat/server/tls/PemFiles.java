package dev.chat.server.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads a PEM certificate chain and its private key, as certbot, {@code openssl req} and every
 * CA hand them out: the chain leaf first ({@code fullchain.pem}); the key as PKCS#8
 * ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC 1
 * ({@code BEGIN EC PRIVATE KEY}), unencrypted. Checks that the key belongs to the leaf and
 * that the leaf is valid now, so a wrong file is refused with a message instead of failing
 * every handshake later. Blocking: call it from a worker thread or at start.
 */
public final class PemFiles {

    private PemFiles() {
    }

    /**
     * Loads and checks {@code certFile} and {@code keyFile}.
     *
     * @throws CertificateException naming the file and what is wrong with it
     */
    public static CertificateMaterial load(Path certFile, Path keyFile) throws CertificateException {
        List<X509Certificate> chain = readChain(certFile);
        PrivateKey key = readKey(keyFile);
        checkPair(chain.get(0).getPublicKey(), key, certFile, keyFile);
        checkValidity(chain.get(0), certFile);
        return new CertificateMaterial(chain, key, certFile.toString());
    }

    static List<X509Certificate> readChain(Path file) throws CertificateException {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(r)) {
            Object o;
            while ((o = pem.readObject()) != null) {
                if (o instanceof X509CertificateHolder h) {
                    chain.add(converter.getCertificate(h));
                }
            }
        } catch (NoSuchFileException e) {
            throw new CertificateException("certificate file " + file + " does not exist");
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new CertificateException("certificate file " + file + " is not PEM: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new CertificateException("certificate file " + file + " holds no certificate (no BEGIN CERTIFICATE)");
        }
        return chain;
    }

    static PrivateKey readKey(Path file) throws CertificateException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(r)) {
            Object o;
            while ((o = pem.readObject()) != null) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
                if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new CertificateException("key file " + file + " is encrypted; the server cannot ask "
                            + "for a passphrase: decrypt it (openssl pkey -in KEY -out PLAIN_KEY) and keep it readable "
                            + "by the server only");
                }
            }
        } catch (NoSuchFileException e) {
            throw new CertificateException("key file " + file + " does not exist");
        } catch (IOException | RuntimeException e) {
            throw new CertificateException("key file " + file + " is not PEM: " + e.getMessage(), e);
        }
        throw new CertificateException("key file " + file + " holds no private key (no BEGIN PRIVATE KEY)");
    }

    // Signs and verifies a random challenge: proves the pair for RSA, EC and EdDSA alike.
    static void checkPair(PublicKey pub, PrivateKey key, Path certFile, Path keyFile) throws CertificateException {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new CertificateException("key file " + keyFile + " holds a " + key.getAlgorithm()
                    + " key; use an RSA or EC (ECDSA) key");
        };
        if (!pub.getAlgorithm().equals(key.getAlgorithm()) && !(pub instanceof ECKey && key instanceof ECKey)) {
            throw new CertificateException("key file " + keyFile + " holds a " + key.getAlgorithm()
                    + " key but the certificate in " + certFile + " is for a " + pub.getAlgorithm() + " key");
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(challenge);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(challenge);
            if (!v.verify(sig)) {
                throw new CertificateException("the key in " + keyFile + " does not belong to the certificate in "
                        + certFile + " (the first certificate in the file must be the server's own)");
            }
        } catch (GeneralSecurityException e) {
            throw new CertificateException("the key in " + keyFile + " does not belong to the certificate in "
                    + certFile + ": " + e.getMessage(), e);
        }
    }

    static void checkValidity(X509Certificate leaf, Path certFile) throws CertificateException {
        Instant now = Instant.now();
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            throw new CertificateException("the certificate in " + certFile + " expired on "
                    + leaf.getNotAfter().toInstant() + "; clients refuse it");
        }
        if (now.isBefore(leaf.getNotBefore().toInstant())) {
            throw new CertificateException("the certificate in " + certFile + " is not valid before "
                    + leaf.getNotBefore().toInstant() + " (is this machine's clock right?)");
        }
    }
}
