package dev.chat.server.core;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connections per peer address, across every loop of the node: at most
 * {@code --max-connections-per-ip} open, of which at most {@code --max-pending-per-ip} have not
 * said {@code hello} yet (a pending connection costs the server without being anyone). An
 * address is forgotten when its last connection closes, so the map holds at most one entry per
 * open connection, and those are bounded by {@code --max-connections}. Any thread.
 */
final class AddressLimits implements Shareable {
    private static final String MAP = "chat.core";
    private static final String KEY = "address-limits";

    /** Why {@link #open} refused a connection. */
    enum Verdict { OK, TOO_MANY, TOO_MANY_PENDING }

    private record Count(int open, int pending) {
    }

    private final ConcurrentHashMap<String, Count> counts = new ConcurrentHashMap<>();

    /** This node's table (one per Vert.x instance, shared by its loops). */
    static AddressLimits of(Vertx vertx) {
        return vertx.sharedData().<String, AddressLimits>getLocalMap(MAP).computeIfAbsent(KEY, k -> new AddressLimits());
    }

    /** A new connection from {@code address}, pending until {@link #helloDone}; counted only when OK. */
    Verdict open(String address, int maxOpen, int maxPending) {
        Verdict[] verdict = {Verdict.OK};
        counts.compute(address, (k, c) -> {
            int open = c == null ? 0 : c.open;
            int pending = c == null ? 0 : c.pending;
            if (open >= maxOpen) {
                verdict[0] = Verdict.TOO_MANY;
                return c;
            }
            if (pending >= maxPending) {
                verdict[0] = Verdict.TOO_MANY_PENDING;
                return c;
            }
            return new Count(open + 1, pending + 1);
        });
        return verdict[0];
    }

    /** A connection of the address said {@code hello}: no longer pending. */
    void helloDone(String address) {
        counts.computeIfPresent(address, (k, c) -> new Count(c.open, Math.max(0, c.pending - 1)));
    }

    /** A counted connection closed ({@code pending}: before its {@code hello} succeeded). */
    void closed(String address, boolean pending) {
        counts.computeIfPresent(address, (k, c) -> {
            int open = c.open - 1;
            return open <= 0 ? null : new Count(open, pending ? Math.max(0, c.pending - 1) : c.pending);
        });
    }

    /** Open connections from the address (tests). */
    int open(String address) {
        Count c = counts.get(address);
        return c == null ? 0 : c.open;
    }
}
