package dev.chat.server.store;

import io.vertx.core.Vertx;
import java.nio.file.Path;

/**
 * A process that appends to an SQLite store as fast as it can (64 appends in flight, rooms in
 * turn) and prints {@code ACK room seq} for each append once its future succeeded, until it is
 * killed. {@link KillNineTest} runs it. Arguments: data directory, durability, rooms.
 */
public final class AppendingChild {
    static final int IN_FLIGHT = 64;

    private AppendingChild() {
    }

    static String text(String room, long seq) {
        return "message " + seq + " of " + room;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Durability durability = Durability.parse(args[1]);
        int rooms = Integer.parseInt(args[2]);
        Vertx vertx = Vertx.vertx();
        StoreConfig config = StoreConfig.defaults().withDataDir(dir).withDurability(durability);
        MessageStore store = Stores.open(vertx, config, StoreMetrics.NONE).await();
        java.util.Map<String, Long> last = store.lastSeqs().await();
        long[] next = new long[rooms];
        for (int r = 0; r < rooms; r++) {
            next[r] = last.getOrDefault("room-" + r, 0L);
        }
        System.out.println("READY " + ProcessHandle.current().pid());
        vertx.runOnContext(v -> {
            int[] turn = {0};
            Runnable[] send = new Runnable[1];
            send[0] = () -> {
                int r = turn[0]++ % rooms;
                String room = "room-" + r;
                long seq = ++next[r];
                store.append(new StoredMessage(room, seq, "child", text(room, seq), System.currentTimeMillis(), false, null))
                        .onSuccess(x -> {
                            System.out.println("ACK " + room + " " + seq);
                            send[0].run();
                        })
                        .onFailure(e -> {
                            System.out.println("FAIL " + room + " " + seq + " " + e.getMessage());
                            System.exit(1);
                        });
            };
            for (int i = 0; i < IN_FLIGHT; i++) {
                send[0].run();
            }
        });
        Thread.currentThread().join(); // until killed
    }
}
