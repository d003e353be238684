package dev.chat.server.presence;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * The socket server announcements are sent from: separate from the receiving socket, bound to
 * the route's IPv4 source address, multicast out of exactly the route's interface
 * (IP_MULTICAST_IF) with TTL 1 (never past the first router), loopback delivery on (so clients
 * on this host discover it too), SO_BROADCAST only when a broadcast address is configured.
 * Non-blocking: a send never stalls the event loop; a datagram the kernel cannot take at once
 * is dropped (announcements repeat anyway). Used from one event loop.
 */
final class Announcer implements AutoCloseable {
    private final AnnounceRoute route;
    private final DatagramChannel channel;
    private final InetSocketAddress group;
    private final InetSocketAddress broadcast;

    private Announcer(AnnounceRoute route, DatagramChannel channel, InetSocketAddress group,
                      InetSocketAddress broadcast) {
        this.route = route;
        this.channel = channel;
        this.group = group;
        this.broadcast = broadcast;
    }

    /**
     * Opens the socket. Blocking (binding, and resolving a broadcast host name): call it off the
     * event loop.
     *
     * @param port destination port of the group (and the broadcast address)
     * @param broadcastAddress also send to this address, or null
     */
    static Announcer open(AnnounceRoute route, int port, String broadcastAddress)
            throws IOException, AnnounceRoute.NoRouteException {
        InetSocketAddress broadcast = null;
        if (broadcastAddress != null) {
            InetAddress a;
            try {
                a = InetAddress.getByName(broadcastAddress);
            } catch (UnknownHostException e) {
                throw new AnnounceRoute.NoRouteException("cannot resolve --announce-broadcast " + broadcastAddress);
            }
            if (!(a instanceof Inet4Address)) {
                throw new AnnounceRoute.NoRouteException("--announce-broadcast must be an IPv4 address: "
                        + broadcastAddress);
            }
            broadcast = new InetSocketAddress(a, port);
        }
        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            ch.setOption(StandardSocketOptions.IP_MULTICAST_IF, route.nif());
            ch.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1);
            ch.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
            ch.setOption(StandardSocketOptions.SO_BROADCAST, broadcast != null);
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 4096); // nothing is read from it
            ch.bind(new InetSocketAddress(route.source(), 0));
            ch.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return new Announcer(route, ch, new InetSocketAddress(InetAddress.getByName(AnnounceRoute.GROUP), port), broadcast);
    }

    /**
     * Sends one frame to the group, and to the broadcast address when configured.
     *
     * @return how many of the destinations took it (0 when the kernel's buffer was full)
     * @throws IOException the network refused (e.g. the interface went down)
     */
    int send(byte[] frame) throws IOException {
        int sent = channel.send(ByteBuffer.wrap(frame), group) > 0 ? 1 : 0;
        if (broadcast != null) {
            sent += channel.send(ByteBuffer.wrap(frame), broadcast) > 0 ? 1 : 0;
        }
        return sent;
    }

    AnnounceRoute route() {
        return route;
    }

    /** Where announcements go, for the log. */
    @Override
    public String toString() {
        return AnnounceRoute.GROUP + ":" + group.getPort() + (broadcast == null ? "" : " and " + broadcast.getAddress()
                .getHostAddress() + ":" + broadcast.getPort()) + " via " + route;
    }

    /** The local address announcements come from. */
    InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
