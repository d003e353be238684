package dev.chat.client.discovery;

import dev.chat.client.net.FrameTracer;
import dev.chat.protocol.Beacon;
import dev.chat.protocol.Frames;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ProtocolException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --discover}: listens for server announcements ({@link Beacon.ServerBeacon}) for a
 * while and returns the servers heard, in the order they were first heard.
 *
 * <p>One UDP socket bound to the wildcard address on the discovery port receives all three
 * ways an announcement can arrive: multicast to {@value #GROUP}, broadcast, and unicast. For
 * multicast it joins the group explicitly on each chosen interface (by default every interface
 * that is up and multicast-capable, loopback included, so a server bound to 127.0.0.1 is found
 * too): joining "on the default interface" would miss all but one. It only listens; it never
 * sends anything. A server's {@code offline} goodbye removes it; malformed datagrams and client
 * beacons are ignored.
 */
public final class Discovery {
    /** The multicast group servers announce to. */
    public static final String GROUP = "239.255.74.20";
    private static final int MAX_SERVERS = 1000;

    private final int port;
    private final String interfaceName;
    private final FrameTracer tracer;

    /**
     * @param port UDP port to listen on
     * @param interfaceName the one interface to join the group on, or null for all suitable
     */
    public Discovery(int port, String interfaceName, FrameTracer tracer) {
        this.port = port;
        this.interfaceName = interfaceName;
        this.tracer = tracer;
    }

    /**
     * The interfaces to join the group on: the named one, or every one that is up and can do
     * multicast, loopback included (Linux does not flag {@code lo} multicast, yet it works).
     *
     * @throws IllegalArgumentException when {@code name} names no interface (message lists them)
     */
    public static List<NetworkInterface> interfaces(String name) throws SocketException {
        List<NetworkInterface> all = Collections.list(NetworkInterface.getNetworkInterfaces());
        if (name != null) {
            for (NetworkInterface nif : all) {
                if (nif.getName().equals(name)) {
                    return List.of(nif);
                }
            }
            List<String> names = all.stream().map(NetworkInterface::getName).sorted().toList();
            throw new IllegalArgumentException("no network interface named '" + name + "' (there are: "
                    + String.join(", ", names) + ")");
        }
        List<NetworkInterface> chosen = new ArrayList<>();
        for (NetworkInterface nif : all) {
            if (nif.isUp() && (nif.supportsMulticast() || nif.isLoopback()) && hasIpv4(nif)) {
                chosen.add(nif);
            }
        }
        return chosen;
    }

    /**
     * Listens for {@code timeout} and returns the servers heard.
     *
     * @throws IOException when the port cannot be bound
     */
    public List<DiscoveredServer> listen(Duration timeout) throws IOException {
        List<NetworkInterface> nifs = interfaces(interfaceName);
        Map<String, DiscoveredServer> found = new LinkedHashMap<>();
        try (MulticastSocket socket = new MulticastSocket(null)) {
            socket.setReuseAddress(true); // a server on this host may use the same port
            socket.bind(new InetSocketAddress(port));
            InetSocketAddress group = new InetSocketAddress(InetAddress.getByName(GROUP), 0);
            int joined = 0;
            for (NetworkInterface nif : nifs) {
                try {
                    socket.joinGroup(group, nif);
                    joined++;
                } catch (IOException e) {
                    // an interface that refuses the group still hears unicast and broadcast
                }
            }
            if (joined == 0 && interfaceName != null) {
                throw new IOException("could not join " + GROUP + " on " + interfaceName);
            }
            byte[] buf = new byte[2048];
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                socket.setSoTimeout((int) Math.max(1, left));
                DatagramPacket packet = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    break;
                }
                onDatagram(packet, found);
            }
        }
        return List.copyOf(found.values());
    }

    private void onDatagram(DatagramPacket packet, Map<String, DiscoveredServer> found) {
        InetSocketAddress from = (InetSocketAddress) packet.getSocketAddress();
        tracer.receivedDatagram(packet.getData(), packet.getLength(),
                from.getAddress().getHostAddress() + ":" + from.getPort());
        Beacon beacon;
        try {
            beacon = MessageCodec.decodeBeacon(Frames.datagramPayload(packet.getData(), packet.getLength()));
        } catch (ProtocolException e) {
            return;
        }
        if (!(beacon instanceof Beacon.ServerBeacon sb)) {
            return;
        }
        if (Beacon.OFFLINE.equals(sb.status())) {
            found.remove(sb.node());
            return;
        }
        DiscoveredServer old = found.get(sb.node());
        if (old == null && found.size() >= MAX_SERVERS) {
            return;
        }
        // The first address a node was heard from stays: it may also be heard on another interface.
        InetAddress address = old == null ? from.getAddress() : old.address();
        // Announcements go to the server's UDP port (the port we listen on), but leave from a
        // socket of their own: our beacons go to the port they were sent to, not the source port.
        found.put(sb.node(), new DiscoveredServer(sb.name(), sb.node(), address, sb.tcpPort(), port,
                System.nanoTime(), sb.tlsPort(), sb.tlsFingerprint()));
    }

    private static boolean hasIpv4(NetworkInterface nif) {
        return nif.inetAddresses().anyMatch(a -> a instanceof Inet4Address);
    }
}
