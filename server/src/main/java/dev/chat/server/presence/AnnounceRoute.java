package dev.chat.server.presence;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The one interface server announcements leave through, and the IPv4 source address they
 * carry (listeners connect back to it). Chosen, in order (docs/PRESENCE.md, "Announcements out"):
 * <ol>
 *   <li>the interface holding {@code --host}, when it is a specific address
 *       ({@code --host 127.0.0.1} announces on loopback only);</li>
 *   <li>else {@code --announce-interface NAME};</li>
 *   <li>else the first (lowest index) up, non-loopback, multicast-capable interface with an
 *       IPv4 address.</li>
 * </ol>
 * The group {@link #GROUP} is IPv4, so the chosen interface needs an IPv4 address.
 *
 * @param nif the outgoing interface (IP_MULTICAST_IF)
 * @param source its IPv4 address the announcing socket binds to
 * @param reason how it was chosen, for the log
 */
public record AnnounceRoute(NetworkInterface nif, Inet4Address source, String reason) {
    /** The multicast group of server announcements. */
    public static final String GROUP = "239.255.74.20";

    public AnnounceRoute {
        Objects.requireNonNull(nif, "nif");
        Objects.requireNonNull(source, "source");
    }

    /** Why no route could be chosen; announcements are then off. */
    public static final class NoRouteException extends Exception {
        public NoRouteException(String message) {
            super(message);
        }
    }

    /**
     * Chooses the route. Blocking (it may resolve {@code host} and lists interfaces): call it
     * off the event loop.
     *
     * @param host the {@code --host} bind address
     * @param announceInterface {@code --announce-interface}, or null
     */
    public static AnnounceRoute choose(String host, String announceInterface) throws NoRouteException {
        InetAddress bind;
        try {
            bind = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new NoRouteException("cannot resolve --host " + host);
        }
        try {
            if (!bind.isAnyLocalAddress()) {
                NetworkInterface nif = NetworkInterface.getByInetAddress(bind);
                if (nif == null) {
                    throw new NoRouteException("no interface holds --host " + host);
                }
                Inet4Address source = bind instanceof Inet4Address v4 ? v4 : firstIpv4(nif);
                if (source == null) {
                    throw new NoRouteException("interface " + nif.getName() + " of --host " + host
                            + " has no IPv4 address for the IPv4 group");
                }
                return new AnnounceRoute(nif, source, "the interface of --host " + host);
            }
            if (announceInterface != null) {
                NetworkInterface nif = NetworkInterface.getByName(announceInterface);
                if (nif == null) {
                    throw new NoRouteException("no interface named " + announceInterface);
                }
                if (!nif.isUp()) {
                    throw new NoRouteException("interface " + announceInterface + " is down");
                }
                Inet4Address source = firstIpv4(nif);
                if (source == null) {
                    throw new NoRouteException("interface " + announceInterface + " has no IPv4 address");
                }
                return new AnnounceRoute(nif, source, "--announce-interface " + announceInterface);
            }
            List<NetworkInterface> all = new ArrayList<>(NetworkInterface.networkInterfaces().toList());
            all.sort(Comparator.comparingInt(NetworkInterface::getIndex));
            for (NetworkInterface nif : all) {
                if (nif.isUp() && !nif.isLoopback() && nif.supportsMulticast() && !nif.isVirtual()) {
                    Inet4Address source = firstIpv4(nif);
                    if (source != null) {
                        return new AnnounceRoute(nif, source, "the first up, non-loopback, multicast-capable interface");
                    }
                }
            }
            throw new NoRouteException("no up, non-loopback, multicast-capable interface with an IPv4 address");
        } catch (SocketException e) {
            throw new NoRouteException("cannot list network interfaces: " + e.getMessage());
        }
    }

    private static Inet4Address firstIpv4(NetworkInterface nif) {
        for (InterfaceAddress a : nif.getInterfaceAddresses()) {
            if (a.getAddress() instanceof Inet4Address v4) {
                return v4;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return nif.getName() + " (" + source.getHostAddress() + ", " + reason + ")";
    }
}
