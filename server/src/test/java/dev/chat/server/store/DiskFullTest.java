package dev.chat.server.store;

import static dev.chat.server.store.StoreTesting.on;
import static dev.chat.server.store.StoreTesting.open;
import static dev.chat.server.store.StoreTesting.sqlite;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The data directory on a 4 MiB tmpfs that fills up while the store runs: appends fail (the hub
 * answers {@code unavailable}), the store says degraded, reads keep working, and once space
 * returns appends succeed again by themselves; nothing acknowledged is lost.
 */
@Timeout(180)
class DiskFullTest extends StoreFixture {
    private static StoredMessage big(long seq) {
        return new StoredMessage("general", seq, "alice", ("message " + seq + " ").repeat(200), seq, false, null);
    }

    @Test
    void aFullDiskFailsAppendsKeepsReadsAndRecovers() throws Exception {
        try (Tmpfs disk = Tmpfs.mount(tmp.resolve("small"), "size=4m")) {
            StoreConfig config = sqlite(disk.dir().resolve("data"));
            StoreCounters counters = new StoreCounters();
            MessageStore store = open(vertx, config, counters);
            List<Long> acked = new ArrayList<>();
            long seq = 0;
            for (int i = 0; i < 20; i++) {
                long s = ++seq;
                on(vertx, () -> store.append(big(s)));
                acked.add(s);
            }

            Path filler = disk.dir().resolve("filler");
            fill(filler);

            StoreException failure = null;
            for (int i = 0; i < 20_000 && failure == null; i++) {
                long s = ++seq;
                try {
                    on(vertx, () -> store.append(big(s)));
                    acked.add(s);
                } catch (StoreException e) {
                    failure = e;
                }
            }
            assertThat(failure).as("an append fails once the disk is full").isNotNull();
            assertThat(failure.kind()).isEqualTo(StoreErrorKind.DISK_FULL);
            StoreHealth h = store.health();
            assertThat(h.ok()).isFalse();
            assertThat(h.status()).isEqualTo("degraded");
            assertThat(h.lastErrorKind()).isEqualTo(StoreErrorKind.DISK_FULL);
            assertThat(h.lastError()).contains("disk_full");
            assertThat(counters.errors(StoreErrorKind.DISK_FULL)).isPositive();
            long lastAcked = acked.get(acked.size() - 1);
            assertThat(on(vertx, () -> store.latest("general", 1))).extracting(StoredMessage::seq)
                    .containsExactly(lastAcked);

            Files.delete(filler);
            long s = ++seq; // the failed append's number stays unused, as in the hub
            on(vertx, () -> store.append(big(s)));
            acked.add(s);
            assertThat(store.health().ok()).isTrue();
            on(vertx, store::close);

            MessageStore reopened = open(vertx, config);
            assertThat(on(vertx, () -> reopened.after("general", 0, MessageStore.MAX_READ)))
                    .extracting(StoredMessage::seq).containsAll(acked);
            on(vertx, reopened::close);
        }
    }

    /** Writes until the file system is full. */
    private static void fill(Path file) throws IOException {
        byte[] chunk = new byte[16 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(chunk);
                out.flush();
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
    }
}
