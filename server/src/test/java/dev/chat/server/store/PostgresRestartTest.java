package dev.chat.server.store;

import static dev.chat.server.store.StoreTesting.on;
import static dev.chat.server.store.StoreTesting.open;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PostgreSQL restarted while messages are being appended: appends fail (the hub answers
 * {@code unavailable}) and the store says degraded while it is down; the store reconnects by
 * itself when it is back; every acknowledged message is stored.
 */
@Timeout(300)
@ExtendWith(PostgresExtension.class)
class PostgresRestartTest extends StoreFixture {
    static final int MAX_IN_FLIGHT = 200;
    @Test
    void aRestartMakesAppendsUnavailableThenTheStoreRecoversLosingNothingAcknowledged(PostgresServer pg) throws Exception {
        StoreCounters counters = new StoreCounters();
        MessageStore store = open(vertx, StoreConfig.defaults().withStore(pg.url(pg.createDatabase()))
                .withHistoryMaxPerRoom(1_000_000), counters);
        Set<Long> acked = ConcurrentHashMap.newKeySet();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicLong seq = new AtomicLong();
        // a sender as the hub would be: a number for every say, whether or not its append succeeds
        long timer = vertx.setPeriodic(1, t -> {
            for (int i = 0; i < 5 && inFlight.get() < MAX_IN_FLIGHT; i++) {
                long s = seq.incrementAndGet();
                inFlight.incrementAndGet();
                store.append(StoreTesting.msg("general", s)).onComplete(ar -> {
                    inFlight.decrementAndGet();
                    if (ar.succeeded()) {
                        acked.add(s);
                    } else {
                        failed.incrementAndGet();
                    }
                });
            }
        });

        await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() >= 500);
        pg.stop();
        await().atMost(Duration.ofSeconds(60)).until(() -> failed.get() > 0 && !store.health().ok());
        StoreHealth down = store.health();
        assertThat(down.status()).isEqualTo("degraded");
        assertThat(down.lastErrorKind()).isIn(StoreErrorKind.CONNECTION, StoreErrorKind.UNAVAILABLE);
        int ackedBeforeRestart = acked.size();

        pg.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> store.health().ok() && acked.size() >= ackedBeforeRestart + 500);
        vertx.cancelTimer(timer);
        await().atMost(Duration.ofSeconds(60)).until(() -> inFlight.get() == 0);

        assertThat(StoreTesting.allSeqs(vertx, store, "general")).containsAll(acked);
        assertThat(counters.failedAppends()).isEqualTo(failed.get());
        on(vertx, store::close);
    }
}
