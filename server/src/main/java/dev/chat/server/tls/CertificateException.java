package dev.chat.server.tls;

/**
 * The certificate or key cannot be used; the message says what is wrong and with which file,
 * fit for a one-line error at start or a warning on reload.
 */
public final class CertificateException extends Exception {
    public CertificateException(String message) {
        super(message);
    }

    public CertificateException(String message, Throwable cause) {
        super(message, cause);
    }
}
