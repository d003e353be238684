package dev.chat.server.presence;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JitterTest {

    @Test
    void startsAtZeroAndFirstMovesWithTheSecondPacket() {
        Jitter j = new Jitter();
        assertThat(j.millis()).isZero();
        j.record(0, 5_000);
        assertThat(j.millis()).as("one packet: no difference yet").isZero();
        j.record(100, 5_116);
        assertThat(j.millis()).isEqualTo(16 / 16.0);
    }

    @Test
    void matchesRfc3550ByHand() {
        // sent every 100 ms; transit times R - S: 1000, 1010, 995, 1020
        // D = 10, -15, 25
        // J1 = 0 + (10 - 0) / 16                  = 0.625
        // J2 = 0.625 + (15 - 0.625) / 16          = 1.5234375
        // J3 = 1.5234375 + (25 - 1.5234375) / 16  = 2.99072265625
        Jitter j = new Jitter();
        j.record(0, 1000);
        j.record(100, 1110);
        assertThat(j.millis()).isEqualTo(0.625);
        j.record(200, 1195);
        assertThat(j.millis()).isEqualTo(1.5234375);
        j.record(300, 1320);
        assertThat(j.millis()).isEqualTo(2.99072265625);
    }

    @Test
    void aConstantDelayIsNoJitterWhateverTheClockOffset() {
        Jitter j = new Jitter();
        for (int i = 0; i < 100; i++) {
            j.record(1_700_000_000_000L + i * 2000L, 42.5 + i * 2000.0);
        }
        assertThat(j.millis()).isZero();
    }

    @Test
    void resetForgetsTheEstimateAndThePreviousPacket() {
        Jitter j = new Jitter();
        j.record(0, 0);
        j.record(100, 180);
        assertThat(j.millis()).isEqualTo(5.0);
        j.reset();
        assertThat(j.millis()).isZero();
        j.record(0, 9_999);
        assertThat(j.millis()).isZero();
    }
}
