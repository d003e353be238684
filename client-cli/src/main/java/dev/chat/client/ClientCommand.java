package dev.chat.client;

import dev.chat.client.discovery.DiscoveredServer;
import dev.chat.client.discovery.Discovery;
import dev.chat.client.net.FrameTracer;
import dev.chat.client.net.ServerAddress;
import dev.chat.client.script.ScriptMode;
import dev.chat.client.text.TerminalText;
import dev.chat.client.tls.DiscoveredRoute;
import dev.chat.client.tls.KnownServers;
import dev.chat.client.tls.TlsClientSettings;
import dev.chat.client.ui.InteractiveUi;
import dev.chat.protocol.CertificateFingerprint;
import dev.chat.protocol.Names;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./chat client}: the options, their checks, and the choice of mode: interactive when
 * stdin is a terminal, script otherwise ({@code --json}, {@code --follow} and {@code --send}
 * are script mode too); {@code --discover} first finds the server.
 */
@Command(name = "chat client", mixinStandardHelpOptions = true, version = "chat client 0.1.0",
        sortOptions = false,
        description = {
            "The terminal client of the LAN chat.",
            "With a terminal on stdin: interactive (type /help). Without one (a pipe, a file): each input line goes"
                    + " to the current room, received messages go to stdout one per line; it exits once every line"
                    + " it sent is acknowledged.",
            "Exit codes: 0 ok, 1 error from the server, 2 usage, 3 could not connect, 4 the server's TLS"
                    + " certificate was refused (--tls; docs/TLS.md), 143 stopped by SIGTERM.",
            ""},
        footer = {"", "More: docs/CLIENT.md."})
public final class ClientCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Server host (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "7420",
            description = "Server TCP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--server", paramLabel = "HOST:PORT", converter = ServerAddressConverter.class,
            description = "A server; repeat for failover: tried in turn, the next when one fails.")
    List<ServerAddress> servers = new ArrayList<>();

    @Option(names = "--nick", paramLabel = "NICK",
            description = "Your nick: 1 to 32 of A-Z a-z 0-9 _ - (default: from your user name).")
    String nick;

    @Option(names = "--password", paramLabel = "PASSWORD", defaultValue = "${env:CHAT_PASSWORD}",
            description = "Log in to the account of --nick (prefer the CHAT_PASSWORD variable: a command line is"
                    + " visible to other users of the machine). Over TLS, or to a server on this machine.")
    String password;

    @Option(names = "--room", paramLabel = "ROOM",
            description = "Room to join at start; repeatable, the first is the current room (default: general).")
    List<String> rooms = new ArrayList<>();

    @Option(names = "--discover", description = "Find servers on the LAN by their announcements and connect.")
    boolean discover;

    @Option(names = "--list", description = "With --discover: only list the servers found (exit 3 when none).")
    boolean list;

    @Option(names = "--discover-port", paramLabel = "PORT", defaultValue = "7421",
            description = "UDP port announcements arrive on (default: ${DEFAULT-VALUE}).")
    int discoverPort;

    @Option(names = "--discover-interface", paramLabel = "NAME",
            description = "Listen for multicast on this interface only (default: every up, multicast-capable one, "
                    + "loopback included).")
    String discoverInterface;

    @Option(names = "--discover-timeout", paramLabel = "DURATION", defaultValue = "3s",
            converter = DurationConverter.class, description = "How long to listen (default: ${DEFAULT-VALUE}).")
    Duration discoverTimeout;

    @Option(names = "--udp-port", paramLabel = "PORT", defaultValue = "7421",
            description = "Where presence beacons go (default: the UDP port the server names when we connect; "
                    + "if it names none, ${DEFAULT-VALUE}, or with --discover the port of its announcements).")
    int udpPort;

    @Option(names = "--beacon-interval", paramLabel = "DURATION", defaultValue = "2s",
            converter = DurationConverter.class,
            description = "How often to send presence beacons; 0s: never (default: ${DEFAULT-VALUE}).")
    Duration beaconInterval;

    @Option(names = "--trace", description = "Print every frame in and out on stderr (length header in hex, JSON).")
    boolean trace;

    @Option(names = "--json", description = "Script mode: print received messages as JSON lines.")
    boolean json;

    @Option(names = "--send", paramLabel = "TEXT",
            description = "Send TEXT to the current room, exit 0 once the server acknowledged it. Refused "
                    + "(exit 2) when stdin has data too: pipe the text, or use --send, not both.")
    String send;

    @Option(names = "--follow", description = "Script mode: keep running after stdin ends, printing what arrives, "
            + "and reconnect for as long as it takes (without it a script gives up after 30s: exit 3).")
    boolean follow;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "5s",
            converter = DurationConverter.class, description = "TCP connect timeout (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @Option(names = "--history-file", paramLabel = "FILE",
            description = "Interactive input history (default: .chat_history in your home directory).")
    Path historyFile;

    @Option(names = "--log-dir", paramLabel = "DIR",
            description = "Interactive: keep a plain-text log per room and per direct conversation in DIR "
                    + "(created if missing).")
    Path logDir;

    @Option(names = "--no-bell", description = "Interactive: no terminal bell on a mention or a direct message.")
    boolean noBell;

    // ---- TLS (docs/TLS.md) ----

    @Option(names = "--tls", description = "Connect with TLS (default port " + TlsClientSettings.DEFAULT_TLS_PORT
            + "). The certificate must be signed by a CA the system trusts and name the host, or else match "
            + "known_servers; a server never seen before is trusted on first use and remembered there.")
    boolean tls;

    @Option(names = "--tls-fingerprint", paramLabel = "SHA256:...",
            description = "Accept only the certificate with this fingerprint (as the server prints it); no trust "
                    + "store, no known_servers. Implies --tls.")
    String tlsFingerprint;

    @Option(names = "--tls-ca", paramLabel = "FILE",
            description = "Trust the CA certificates in this PEM file instead of the system's. Implies --tls.")
    Path tlsCa;

    @Option(names = "--known-servers", paramLabel = "FILE",
            description = "Certificates trusted on first use (default: $XDG_CONFIG_HOME/chat/known_servers; "
                    + "without XDG_CONFIG_HOME, .config/chat/known_servers in your home directory).")
    Path knownServers;

    @Option(names = "--insecure", description = "With --tls: accept any certificate. Still encrypted, but anyone "
            + "on the path can pose as the server and read everything. Warns on stderr.")
    boolean insecure;

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;

    /**
     * @param terminal whether stdin is a terminal (interactive mode)
     */
    public ClientCommand(InputStream in, PrintStream out, PrintStream err, boolean terminal) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        ClientConfig config = configure();
        boolean interactive = terminal && !json && !follow && send == null && !list;
        config = config.withInteractive(interactive);
        if (send != null && !terminal && stdinHasData()) {
            throw usage("--send sends TEXT only, but stdin has data too: pipe the text or use --send, not both");
        }
        FrameTracer tracer = trace ? new FrameTracer(err::println) : FrameTracer.OFF;
        if (discover) {
            List<DiscoveredServer> found;
            try {
                found = new Discovery(discoverPort, discoverInterface, tracer).listen(discoverTimeout);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            } catch (BindException e) {
                err.println("chat client: cannot listen on UDP port " + discoverPort + " for announcements: "
                        + e.getMessage() + " (try --discover-port)");
                return ExitCode.CONNECT;
            } catch (IOException e) {
                err.println("chat client: cannot listen for announcements: " + e.getMessage());
                return ExitCode.CONNECT;
            }
            if (found.isEmpty()) {
                err.println("chat client: no server announced itself within " + format(discoverTimeout)
                        + " (UDP port " + discoverPort + ")");
                return ExitCode.CONNECT;
            }
            if (list) {
                printServers(found, false);
                out.flush();
                return ExitCode.OK;
            }
            DiscoveredServer chosen = interactive && found.size() > 1 ? choose(found) : found.get(0);
            if (chosen == null) {
                return ExitCode.CONNECT;
            }
            if (!interactive) {
                err.println("chat client: discovered " + TerminalText.singleLine(chosen.name()) + " at "
                        + chosen.endpoint());
            }
            DiscoveredRoute route = DiscoveredRoute.of(chosen, found, tlsRequested());
            if (route.servers().isEmpty()) {
                err.println("chat client: " + TerminalText.singleLine(chosen.name()) + " announces no TLS port; "
                        + "connect without --tls, or give its address with --server");
                return ExitCode.CONNECT;
            }
            boolean udpGiven = spec.commandLine().getParseResult().hasMatchedOption("--udp-port");
            config = config.withServers(route.servers(), udpGiven ? udpPort : chosen.udpPort())
                    .withTls(route.tls() ? tlsSettings().withAnnounced(route.fingerprints()) : null);
        }
        if (config.tls() != null && config.tls().insecure()) {
            err.println("chat client: WARNING: --insecure: the server's certificate is NOT checked; the connection is "
                    + "encrypted but not authenticated, so anyone on the path can pose as the server and read and "
                    + "change everything");
        }
        if (interactive) {
            return new InteractiveUi(config, err).run();
        }
        if (!follow) {
            config = config.withGiveUpAfter(ClientConfig.SCRIPT_GIVE_UP);
        }
        return new ScriptMode(config, in, out, err, tracer).run();
    }

    private ClientConfig configure() {
        var parsed = spec.commandLine().getParseResult();
        boolean hostOrPort = parsed.hasMatchedOption("--host") || parsed.hasMatchedOption("--port");
        if (!servers.isEmpty() && hostOrPort) {
            throw usage("use either --server or --host/--port, not both");
        }
        if (discover && (hostOrPort || !servers.isEmpty())) {
            throw usage("--discover finds the server itself: drop --server, --host and --port");
        }
        if (list && !discover) {
            throw usage("--list only works with --discover");
        }
        checkPort("--port", port);
        checkPort("--udp-port", udpPort);
        checkPort("--discover-port", discoverPort);
        if (discoverTimeout.isZero()) {
            throw usage("--discover-timeout must be above 0");
        }
        if (connectTimeout.isZero()) {
            throw usage("--connect-timeout must be above 0");
        }
        if (!beaconInterval.isZero() && beaconInterval.toMillis() < 100) {
            throw usage("--beacon-interval must be 0s (off) or at least 100ms");
        }
        if (host.isBlank()) {
            throw usage("--host must not be empty");
        }
        if (nick != null && !Names.isValidNick(nick)) {
            throw usage("invalid nick '" + TerminalText.singleLine(nick) + "': use 1 to 32 of A-Z a-z 0-9 _ -");
        }
        Set<String> roomSet = new LinkedHashSet<>();
        for (String r : rooms) {
            String name = Names.normalizeRoom(r);
            if (name == null) {
                throw usage("invalid room '" + TerminalText.singleLine(r)
                        + "': use an optional # and 1 to 64 of A-Z a-z 0-9 _ - .");
            }
            roomSet.add(name);
        }
        if (roomSet.isEmpty()) {
            roomSet.add(ClientConfig.DEFAULT_ROOM);
        }
        if (send != null && send.isEmpty()) {
            throw usage("--send needs a non-empty TEXT");
        }
        if (send != null && follow) {
            throw usage("--send and --follow do not go together");
        }
        if (list && (send != null || follow)) {
            throw usage("--list only lists servers: drop --send and --follow");
        }
        TlsClientSettings tlsSettings = tlsSettings(); // checks the TLS options
        int chatPort = tlsRequested() && !parsed.hasMatchedOption("--port") ? TlsClientSettings.DEFAULT_TLS_PORT : port;
        List<ServerAddress> targets = servers.isEmpty() ? List.of(new ServerAddress(host, chatPort)) : servers;
        Path history = historyFile != null ? historyFile
                : Path.of(System.getProperty("user.home"), ".chat_history");
        return new ClientConfig(targets, nick != null ? nick : DefaultNick.forCurrentUser(), nick != null,
                List.copyOf(roomSet), trace, json, send, follow, udpPort, parsed.hasMatchedOption("--udp-port"),
                beaconInterval, connectTimeout, null, history, logDir, !noBell, false,
                tlsRequested() ? tlsSettings : null, password == null || password.isEmpty() ? null : password);
    }

    /** Whether a TLS option was given ({@code --tls}, {@code --tls-fingerprint}, {@code --tls-ca}). */
    private boolean tlsRequested() {
        return tls || tlsFingerprint != null || tlsCa != null;
    }

    /** The TLS options, checked; used when TLS is requested or discovery finds a TLS server. */
    private TlsClientSettings tlsSettings() {
        if (insecure && !tlsRequested() && !discover) {
            throw usage("--insecure only applies to TLS: add --tls");
        }
        if (insecure && tlsFingerprint != null) {
            throw usage("--insecure and --tls-fingerprint contradict each other: pick one");
        }
        String pin = null;
        if (tlsFingerprint != null) {
            try {
                pin = CertificateFingerprint.parse(tlsFingerprint);
            } catch (IllegalArgumentException e) {
                throw usage("--tls-fingerprint: " + e.getMessage());
            }
        }
        if (tlsCa != null && !Files.isReadable(tlsCa)) {
            throw usage("--tls-ca: cannot read " + tlsCa);
        }
        Path known = knownServers != null ? knownServers
                : KnownServers.defaultFile(System.getenv(), System.getProperty("user.home"));
        return new TlsClientSettings(insecure, pin, tlsCa, known, java.util.Map.of(), trace);
    }

    /** Whether stdin (not a terminal) already holds bytes: piped text that --send would drop. */
    private boolean stdinHasData() {
        try {
            return in.available() > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private void checkPort(String option, int value) {
        if (value < 1 || value > 65535) {
            throw usage(option + " must be 1 to 65535, not " + value);
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private void printServers(List<DiscoveredServer> found, boolean numbered) {
        long now = System.nanoTime();
        int nameWidth = 4;
        int endpointWidth = 7;
        int nodeWidth = 4;
        for (DiscoveredServer s : found) {
            nameWidth = Math.max(nameWidth, Math.min(32, TerminalText.singleLine(s.name()).length()));
            endpointWidth = Math.max(endpointWidth, s.endpoint().length());
            nodeWidth = Math.max(nodeWidth, Math.min(64, TerminalText.singleLine(s.node()).length()));
        }
        String fmt = (numbered ? "%3s  " : "%s") + "%-" + nameWidth + "s  %-" + endpointWidth + "s  %-" + nodeWidth
                + "s  %s%n";
        out.printf(fmt, numbered ? "#" : "", "NAME", "ADDRESS", "NODE", "AGE");
        int i = 1;
        for (DiscoveredServer s : found) {
            double age = (now - s.lastHeardNanos()) / 1e9;
            out.printf(fmt, numbered ? String.valueOf(i++) : "", TerminalText.singleLine(s.name()), s.endpoint(),
                    TerminalText.singleLine(s.node()), String.format("%.1fs", age));
        }
    }

    /** Lets the user pick one of several servers; null when stdin ends first. */
    private DiscoveredServer choose(List<DiscoveredServer> found) {
        printServers(found, true);
        while (true) {
            out.print("connect to which server [1-" + found.size() + "]? ");
            out.flush();
            String answer = readLine();
            if (answer == null) {
                err.println("chat client: no server chosen");
                return null;
            }
            try {
                int n = Integer.parseInt(answer.trim());
                if (n >= 1 && n <= found.size()) {
                    return found.get(n - 1);
                }
            } catch (NumberFormatException e) {
                // ask again
            }
        }
    }

    // Byte by byte, so nothing typed after the answer is read ahead and lost to the terminal UI.
    private String readLine() {
        StringBuilder b = new StringBuilder();
        try {
            while (true) {
                int c = in.read();
                if (c < 0) {
                    return b.length() == 0 ? null : b.toString();
                }
                if (c == '\n') {
                    return b.toString();
                }
                b.append((char) c);
            }
        } catch (IOException e) {
            return null;
        }
    }

    private static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
