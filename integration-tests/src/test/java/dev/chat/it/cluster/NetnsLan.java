package dev.chat.it.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small LAN of network namespaces on this machine, for tests that must cut nodes off from each
 * other while clients still reach every node: a bridge in its own namespace, one namespace per
 * host ({@code 10.231.77.11}, {@code .12}, ...) and a link from this (the test's) namespace at
 * {@code 10.231.77.1}. A partition is {@code iptables} DROP rules inside the hosts' namespaces, so
 * nothing outside the namespaces the test made is touched. Needs root and {@code ip}/{@code iptables}.
 */
final class NetnsLan implements AutoCloseable {
    static final String SUBNET = "10.231.77.";
    private static final String PREFIX = "chqnem";
    private static final String BRIDGE_NS = PREFIX + "-br";
    private static final String ROOT_LINK = PREFIX + "0";

    private final int hosts;

    private NetnsLan(int hosts) {
        this.hosts = hosts;
    }

    /** Whether this machine can build one: root, and {@code ip netns} works. */
    static boolean available() {
        try {
            return "root".equals(System.getProperty("user.name")) && run(List.of("ip", "netns", "list"), false) == 0
                    && run(List.of("iptables", "--version"), false) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    static NetnsLan create(int hosts) throws IOException {
        NetnsLan lan = new NetnsLan(hosts);
        lan.removeLeftovers();
        ip("netns", "add", BRIDGE_NS);
        ip("-n", BRIDGE_NS, "link", "add", "br0", "type", "bridge");
        ip("-n", BRIDGE_NS, "link", "set", "br0", "up");
        ip("link", "add", ROOT_LINK, "type", "veth", "peer", "name", "up0", "netns", BRIDGE_NS);
        ip("-n", BRIDGE_NS, "link", "set", "up0", "master", "br0", "up");
        ip("addr", "add", SUBNET + "1/24", "dev", ROOT_LINK);
        ip("link", "set", ROOT_LINK, "up");
        for (int i = 1; i <= hosts; i++) {
            String ns = ns(i);
            ip("netns", "add", ns);
            ip("-n", ns, "link", "set", "lo", "up");
            ip("-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", "h" + i, "netns", BRIDGE_NS);
            ip("-n", BRIDGE_NS, "link", "set", "h" + i, "master", "br0", "up");
            ip("-n", ns, "addr", "add", address(i) + "/24", "dev", "eth0");
            ip("-n", ns, "link", "set", "eth0", "up");
        }
        return lan;
    }

    static String ns(int host) {
        return PREFIX + "-" + host;
    }

    static String address(int host) {
        return SUBNET + (10 + host);
    }

    /** The command prefix that runs a program on a host. */
    static List<String> on(int host) {
        return List.of("ip", "netns", "exec", ns(host));
    }

    /** Cuts {@code host} off from every other host (both directions); clients from the test still reach it. */
    void isolate(int host) throws IOException {
        for (int other = 1; other <= hosts; other++) {
            if (other != host) {
                iptables(host, "-A", "INPUT", "-s", address(other), "-j", "DROP");
                iptables(other, "-A", "INPUT", "-s", address(host), "-j", "DROP");
            }
        }
    }

    /** Removes every cut. */
    void heal() throws IOException {
        for (int i = 1; i <= hosts; i++) {
            iptables(i, "-F", "INPUT");
        }
    }

    private static void iptables(int host, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(on(host));
        cmd.add("iptables");
        cmd.addAll(List.of(args));
        if (run(cmd, true) != 0) {
            throw new IOException("failed: " + String.join(" ", cmd));
        }
    }

    private void removeLeftovers() throws IOException {
        run(List.of("ip", "link", "del", ROOT_LINK), false);
        for (int i = 1; i <= hosts; i++) {
            run(List.of("ip", "netns", "del", ns(i)), false);
        }
        run(List.of("ip", "netns", "del", BRIDGE_NS), false);
    }

    @Override
    public void close() throws IOException {
        removeLeftovers();
    }

    private static void ip(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        cmd.addAll(List.of(args));
        if (run(cmd, true) != 0) {
            throw new IOException("failed: " + String.join(" ", cmd));
        }
    }

    private static int run(List<String> cmd, boolean showErrors) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            if (p.exitValue() != 0 && showErrors) {
                System.err.println(String.join(" ", cmd) + ": " + out.strip());
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
