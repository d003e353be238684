package dev.chat.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * {@code beacon}: a presence datagram, one frame per UDP datagram. Clients send theirs to a
 * server; servers announce theirs to the LAN. {@code role} tells them apart.
 */
public sealed interface Beacon extends Message permits Beacon.ClientBeacon, Beacon.ServerBeacon {
    String TYPE = "beacon";
    String ONLINE = "online";
    String AWAY = "away";
    String OFFLINE = "offline";

    /** Sequence number; consecutive beacons of one sender count up by one. */
    long seq();

    /** Sender's clock at sending, epoch ms (used for jitter, never compared across hosts). */
    long ts();

    /** How often the sender beacons, ms; a peer silent for 3 intervals has gone. */
    long intervalMs();

    @Override
    default String type() {
        return TYPE;
    }

    /**
     * A client's presence: {@code status} is online, away, or offline (a goodbye). {@code sig}
     * (null: unsigned) is the {@link BeaconSignature} with the session's {@code beacon_key}.
     */
    record ClientBeacon(String nick, String status, long seq, long ts, long intervalMs, String sig) implements Beacon {
        /** An unsigned beacon. */
        public ClientBeacon(String nick, String status, long seq, long ts, long intervalMs) {
            this(nick, status, seq, ts, intervalMs, null);
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("role", "client");
            g.writeStringField("nick", nick);
            g.writeStringField("status", status);
            g.writeNumberField("seq", seq);
            g.writeNumberField("ts", ts);
            g.writeNumberField("interval_ms", intervalMs);
            if (sig != null) {
                g.writeStringField("sig", sig);
            }
        }
    }

    /**
     * A server's announcement, for zero-config discovery. {@code status} is online, or offline
     * in the goodbye a server sends when it shuts down (then listeners forget it at once).
     * {@code tlsPort} (0: none) and {@code tlsFingerprint} (null: none) announce the TLS port
     * and its certificate's {@link CertificateFingerprint}; {@code ircPort} (0: none) the IRC port.
     * All three are optional on the wire: a reader that does not know them ignores them.
     */
    record ServerBeacon(String name, String node, int tcpPort, String status, long seq, long ts, long intervalMs,
                        int tlsPort, String tlsFingerprint, int ircPort) implements Beacon {

        /** An announcement without TLS or IRC fields. */
        public ServerBeacon(String name, String node, int tcpPort, String status, long seq, long ts,
                            long intervalMs) {
            this(name, node, tcpPort, status, seq, ts, intervalMs, 0, null, 0);
        }

        /** An announcement without an IRC port. */
        public ServerBeacon(String name, String node, int tcpPort, String status, long seq, long ts,
                            long intervalMs, int tlsPort, String tlsFingerprint) {
            this(name, node, tcpPort, status, seq, ts, intervalMs, tlsPort, tlsFingerprint, 0);
        }

        public void writeFields(JsonGenerator g) throws IOException {
            g.writeStringField("role", "server");
            g.writeStringField("name", name);
            g.writeStringField("node", node);
            g.writeNumberField("tcp_port", tcpPort);
            if (!ONLINE.equals(status)) {
                g.writeStringField("status", status); // online is the default and left out
            }
            g.writeNumberField("seq", seq);
            g.writeNumberField("ts", ts);
            g.writeNumberField("interval_ms", intervalMs);
            if (tlsPort > 0) {
                g.writeNumberField("tls_port", tlsPort);
            }
            if (tlsFingerprint != null) {
                g.writeStringField("tls_fingerprint", tlsFingerprint);
            }
            if (ircPort > 0) {
                g.writeNumberField("irc_port", ircPort);
            }
        }
    }
}
