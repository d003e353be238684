package dev.chat.client;

import dev.chat.client.net.ServerAddress;
import dev.chat.client.tls.TlsClientSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything a client session needs, fixed once the options are parsed and checked.
 *
 * @param servers where to connect, tried in this order (failover goes round the list)
 * @param nick the nick to register
 * @param nickChosen whether the user gave {@code --nick}; a derived nick may be altered when taken
 * @param rooms normalised room names to join at start; the first is the current room
 * @param udpPort the server UDP port our presence beacons go to
 * @param beaconInterval how often to beacon; zero turns beacons off
 * @param connectTimeout TCP connect timeout per attempt
 * @param giveUpAfter how long to keep reconnecting before giving up (null: forever)
 * @param historyFile where the interactive input history is kept
 * @param tls how to speak TLS and whom to trust ({@code --tls}), or null for plain TCP
 */
public record ClientConfig(List<ServerAddress> servers, String nick, boolean nickChosen, List<String> rooms,
                           boolean trace, boolean json, String send, boolean follow, int udpPort,
                           Duration beaconInterval, Duration connectTimeout, Duration giveUpAfter,
                           Path historyFile, TlsClientSettings tls) {

    /** Default TCP port of a server. */
    public static final int DEFAULT_PORT = 7420;
    /** Default UDP port of a server (beacons, announcements). */
    public static final int DEFAULT_UDP_PORT = 7421;
    /** Room joined when no {@code --room} is given. */
    public static final String DEFAULT_ROOM = "general";
    /** Default interval of our presence beacons. */
    public static final Duration DEFAULT_BEACON_INTERVAL = Duration.ofSeconds(2);
    /** Scripts that wait for acknowledgements give up when reconnecting fails for this long. */
    public static final Duration SCRIPT_GIVE_UP = Duration.ofSeconds(30);

    public ClientConfig {
        servers = List.copyOf(servers);
        rooms = List.copyOf(rooms);
        Objects.requireNonNull(nick, "nick");
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no server");
        }
    }

    /** A plain-TCP configuration (no {@code --tls}). */
    public ClientConfig(List<ServerAddress> servers, String nick, boolean nickChosen, List<String> rooms,
                        boolean trace, boolean json, String send, boolean follow, int udpPort,
                        Duration beaconInterval, Duration connectTimeout, Duration giveUpAfter, Path historyFile) {
        this(servers, nick, nickChosen, rooms, trace, json, send, follow, udpPort, beaconInterval, connectTimeout,
                giveUpAfter, historyFile, null);
    }

    /** The same configuration with another server list (after discovery). */
    public ClientConfig withServers(List<ServerAddress> list, int udp) {
        return new ClientConfig(list, nick, nickChosen, rooms, trace, json, send, follow, udp, beaconInterval,
                connectTimeout, giveUpAfter, historyFile, tls);
    }

    /** The same configuration with a give-up time for reconnecting. */
    public ClientConfig withGiveUpAfter(Duration d) {
        return new ClientConfig(servers, nick, nickChosen, rooms, trace, json, send, follow, udpPort, beaconInterval,
                connectTimeout, d, historyFile, tls);
    }

    /** The same configuration with TLS settings (null: plain TCP). */
    public ClientConfig withTls(TlsClientSettings settings) {
        return new ClientConfig(servers, nick, nickChosen, rooms, trace, json, send, follow, udpPort, beaconInterval,
                connectTimeout, giveUpAfter, historyFile, settings);
    }
}
