package dev.chat.client.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesUpToTheCapWithJitterInTheUpperHalf() {
        Backoff low = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(10), () -> 0.0);
        Backoff high = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(10), () -> 0.999999);
        long[] steps = {250, 500, 1000, 2000, 4000, 8000, 10000, 10000, 10000};
        for (long step : steps) {
            assertThat(low.next().toMillis()).isEqualTo(step / 2);
            assertThat(high.next().toMillis()).isBetween(step - 1, step);
        }
    }

    @Test
    void resetStartsOver() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), () -> 0.0);
        b.next();
        b.next();
        assertThat(b.attempts()).isEqualTo(2);
        b.reset();
        assertThat(b.next()).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void neverOverflowsAfterManyAttempts() {
        Backoff b = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(10), () -> 0.5);
        for (int i = 0; i < 100; i++) {
            assertThat(b.next()).isBetween(Duration.ZERO, Duration.ofSeconds(10));
        }
    }
}
