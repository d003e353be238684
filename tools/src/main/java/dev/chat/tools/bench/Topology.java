package dev.chat.tools.bench;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Who is where in a run: clients in rooms of equal size, spread round-robin over the servers
 * (so with several cluster nodes every room spans nodes), and which of them send.
 *
 * <p>Names carry a random run id, so two runs against one server never collide, and have a
 * fixed width, so that every {@code message} frame of a run has its text at the same offset.
 */
final class Topology {
    /** Nick width: {@code b} + 4-character run id + {@code -} + 5 digits. */
    static final int MAX_CLIENTS = 99_999;
    private static final char[] RUN_ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    final String runId;
    final List<ClientSpec> clients;
    final int rooms;

    private Topology(String runId, List<ClientSpec> clients, int rooms) {
        this.runId = runId;
        this.clients = List.copyOf(clients);
        this.rooms = rooms;
    }

    /** A fresh random run id: 4 lower-case letters and digits. */
    static String newRunId() {
        SecureRandom r = new SecureRandom();
        char[] c = new char[4];
        for (int i = 0; i < c.length; i++) {
            c[i] = RUN_ID_CHARS[r.nextInt(RUN_ID_CHARS.length)];
        }
        return new String(c);
    }

    static String nick(String runId, int index) {
        return String.format("b%s-%05d", runId, index);
    }

    static String room(String runId, String prefix, int index) {
        return String.format("bench-%s-%s%04d", runId, prefix, index);
    }

    /**
     * {@code clients / roomSize} rooms of {@code roomSize} members; sender {@code j} is member
     * {@code j / rooms} of room {@code j % rooms}, so senders spread evenly over the rooms.
     */
    static Topology rooms(String runId, int clients, int roomSize, int senders, List<ServerAddress> servers) {
        return build(runId, 0, clients, roomSize, senders, servers, "");
    }

    /**
     * Two groups, set up one after the other: {@code first} clients in rooms prefixed {@code p}
     * (indices 0..first-1), then {@code clients} more in their own rooms; nobody sends.
     */
    static Topology twoGroups(String runId, int first, int clients, int roomSize, List<ServerAddress> servers) {
        List<ClientSpec> all = new ArrayList<>(build(runId, 0, first, roomSize, 0, servers, "p").clients);
        all.addAll(build(runId, first, clients, roomSize, 0, servers, "").clients);
        return new Topology(runId, all, (first + roomSize - 1) / roomSize + (clients + roomSize - 1) / roomSize);
    }

    private static Topology build(String runId, int firstIndex, int clients, int roomSize, int senders,
                                  List<ServerAddress> servers, String roomPrefix) {
        if (clients < 0 || firstIndex + clients > MAX_CLIENTS || roomSize < 1 || senders > clients) {
            throw new IllegalArgumentException("bad topology: " + clients + " clients, rooms of " + roomSize
                    + ", " + senders + " senders");
        }
        int rooms = (clients + roomSize - 1) / roomSize;
        boolean[] sends = new boolean[clients];
        for (int j = 0; j < senders; j++) {
            int room = j % rooms;
            int member = j / rooms;
            int local = room * roomSize + member;
            if (member >= roomSize || local >= clients) {
                throw new IllegalArgumentException("cannot place " + senders + " senders in " + rooms + " rooms of "
                        + roomSize);
            }
            sends[local] = true;
        }
        List<ClientSpec> out = new ArrayList<>(clients);
        for (int i = 0; i < clients; i++) {
            int room = i / roomSize;
            int size = Math.min(roomSize, clients - room * roomSize);
            int index = firstIndex + i;
            out.add(new ClientSpec(index, nick(runId, index), room(runId, roomPrefix, room), size,
                    servers.get(index % servers.size()), sends[i]));
        }
        return new Topology(runId, out, rooms);
    }

    int senders() {
        int n = 0;
        for (ClientSpec c : clients) {
            if (c.sender()) {
                n++;
            }
        }
        return n;
    }
}
