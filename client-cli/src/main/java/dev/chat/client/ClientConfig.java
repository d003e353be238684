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
 * @param udpPort where our presence beacons go when the server's {@code welcome} does not name
 *        its UDP port (7421, or the port a discovered server announced on)
 * @param udpPortChosen whether the user gave {@code --udp-port}: then it wins over {@code welcome}
 * @param beaconInterval how often to beacon; zero turns beacons off
 * @param connectTimeout TCP connect timeout per attempt
 * @param giveUpAfter how long to keep reconnecting before giving up (null: forever)
 * @param historyFile where the interactive input history is kept
 * @param logDir where a plain-text log per room and conversation is kept (null: none)
 * @param bell whether a mention or a direct message rings the terminal bell (interactive)
 * @param interactive a person at a terminal: the session never gives up, and a taken nick
 *        becomes {@code nick_}
 * @param tls how to speak TLS and whom to trust ({@code --tls}), or null for plain TCP
 * @param password the account's password ({@code --password}, {@code CHAT_PASSWORD}): sent with
 *        {@code hello} to log in to the account of {@code nick}; null: a guest
 */
public record ClientConfig(List<ServerAddress> servers, String nick, boolean nickChosen, List<String> rooms,
                           boolean trace, boolean json, String send, boolean follow, int udpPort,
                           boolean udpPortChosen, Duration beaconInterval, Duration connectTimeout,
                           Duration giveUpAfter, Path historyFile, Path logDir, boolean bell, boolean interactive,
                           TlsClientSettings tls, String password) {

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

    /** The same configuration with another server list and fallback UDP port (after discovery). */
    public ClientConfig withServers(List<ServerAddress> list, int udp) {
        return new ClientConfig(list, nick, nickChosen, rooms, trace, json, send, follow, udp, udpPortChosen,
                beaconInterval, connectTimeout, giveUpAfter, historyFile, logDir, bell, interactive, tls, password);
    }

    /** The same configuration with a give-up time for reconnecting. */
    public ClientConfig withGiveUpAfter(Duration d) {
        return new ClientConfig(servers, nick, nickChosen, rooms, trace, json, send, follow, udpPort, udpPortChosen,
                beaconInterval, connectTimeout, d, historyFile, logDir, bell, interactive, tls, password);
    }

    /** The same configuration for a person at a terminal ({@code true}) or a script. */
    public ClientConfig withInteractive(boolean value) {
        return new ClientConfig(servers, nick, nickChosen, rooms, trace, json, send, follow, udpPort, udpPortChosen,
                beaconInterval, connectTimeout, giveUpAfter, historyFile, logDir, bell, value, tls, password);
    }

    /** The same configuration with TLS settings (null: plain TCP). */
    public ClientConfig withTls(TlsClientSettings settings) {
        return new ClientConfig(servers, nick, nickChosen, rooms, trace, json, send, follow, udpPort, udpPortChosen,
                beaconInterval, connectTimeout, giveUpAfter, historyFile, logDir, bell, interactive, settings, password);
    }

    @Override
    public String toString() { // the generated one would show the password
        return "ClientConfig[servers=" + servers + ", nick=" + nick + ", rooms=" + rooms
                + (password == null ? "" : ", password=***") + "]";
    }
}
