package dev.chat.server.presence;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplayWindowTest {
    private final ReplayWindow w = new ReplayWindow();

    @Test
    void eachSeqIsTakenOnceLateOnesInsideTheWindowToo() {
        assertThat(w.accept(10)).isTrue();
        assertThat(w.accept(10)).as("the same again").isFalse();
        assertThat(w.accept(12)).isTrue();
        assertThat(w.accept(11)).as("late, never seen").isTrue();
        assertThat(w.accept(11)).isFalse();
        assertThat(w.accept(9)).as("before the first, still inside the window").isTrue();
    }

    @Test
    void aSeq64OrMoreBelowTheHighestIsRefusedAndAJumpClearsTheWindow() {
        assertThat(w.accept(100)).isTrue();
        assertThat(w.accept(37)).as("63 below").isTrue();
        assertThat(w.accept(36)).as("64 below").isFalse();
        assertThat(w.accept(1_000)).isTrue();
        assertThat(w.accept(100)).isFalse();
        assertThat(w.accept(999)).isTrue();
        assertThat(w.accept(0)).as("a counter starting over is not taken: a key lives as long as its count").isFalse();
    }
}
