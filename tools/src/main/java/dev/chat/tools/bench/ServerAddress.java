package dev.chat.tools.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A server the generator loads, parsed from {@code host:port} ({@code [v6]:port} for IPv6).
 * Loopback only unless the user allowed remote targets: a load generator aimed at someone
 * else's machine by a typo is a denial-of-service tool, so the check runs before any packet
 * (and before any name lookup: only IP literals and {@code localhost} are resolved without it).
 */
record ServerAddress(String text, InetSocketAddress socket) {

    /**
     * Parses and checks every target.
     *
     * @throws IllegalArgumentException a malformed address, or a non-loopback one without
     *         {@code allowRemote}; the message names it
     */
    static List<ServerAddress> parseAll(List<String> specs, boolean allowRemote) {
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("no server given");
        }
        List<ServerAddress> out = new ArrayList<>(specs.size());
        for (String spec : specs) {
            out.add(parse(spec, allowRemote));
        }
        return out;
    }

    static ServerAddress parse(String spec, boolean allowRemote) {
        String s = spec.trim();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("server address '" + spec + "' is not host:port");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("IPv6 address '" + spec + "' must be written [address]:port");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port in '" + spec + "' is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port in '" + spec + "' must be 1..65535");
        }
        boolean literal = isIpLiteral(host);
        boolean localName = host.toLowerCase(Locale.ROOT).equals("localhost");
        if (!literal && !localName && !allowRemote) {
            throw new IllegalArgumentException("server '" + spec
                    + "' is not a loopback address; the generator only loads loopback targets unless --allow-remote is given");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host '" + host + "'");
        }
        if (!address.isLoopbackAddress() && !allowRemote) {
            throw new IllegalArgumentException("server '" + spec
                    + "' is not a loopback address; the generator only loads loopback targets unless --allow-remote is given");
        }
        return new ServerAddress(s, new InetSocketAddress(address, port));
    }

    private static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true; // IPv6, resolved without a lookup
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }
}
