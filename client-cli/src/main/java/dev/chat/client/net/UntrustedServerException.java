package dev.chat.client.net;

import java.io.IOException;

/**
 * The server could be reached but its identity was refused (a TLS certificate that changed,
 * expired, names another host, or does not match a pinned fingerprint). Not worth retrying
 * against the same server: the message says what to check and how to fix it.
 */
public final class UntrustedServerException extends IOException {
    public UntrustedServerException(String message) {
        super(message);
    }
}
