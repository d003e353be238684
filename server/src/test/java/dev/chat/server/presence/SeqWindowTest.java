package dev.chat.server.presence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.server.presence.SeqWindow.Outcome;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeqWindowTest {

    /** A sender beaconing every 100 ms: seq n carries ts n * 100. */
    private static Outcome record(SeqWindow w, long seq) {
        return w.record(seq, seq * 100);
    }

    private static SeqWindow received(long from, long to, Set<Long> missing) {
        SeqWindow w = new SeqWindow();
        for (long s = from; s <= to; s++) {
            if (!missing.contains(s)) {
                record(w, s);
            }
        }
        return w;
    }

    @Test
    void nothingMissingIsNoLoss() {
        SeqWindow w = received(1, 200, Set.of());
        assertThat(w.expected()).isEqualTo(64);
        assertThat(w.loss()).isZero();
    }

    @Test
    void eightGapsInSixtyFourIsAnEighth() {
        SeqWindow w = received(1, 64, Set.of(3L, 9L, 17L, 20L, 33L, 40L, 51L, 60L));
        assertThat(w.expected()).isEqualTo(64);
        assertThat(w.received()).isEqualTo(56);
        assertThat(w.loss()).isEqualTo(0.125);
    }

    @Test
    void beforeSixtyFourExpectedLossIsOverTheOnesExpectedSoFar() {
        SeqWindow w = received(1, 10, Set.of(4L, 7L));
        assertThat(w.expected()).isEqualTo(10);
        assertThat(w.loss()).isEqualTo(0.2);
    }

    @Test
    void theFirstSeqStartsTheWindow() {
        SeqWindow w = received(1000, 1009, Set.of(1005L));
        assertThat(w.expected()).isEqualTo(10);
        assertThat(w.loss()).isEqualTo(0.1);
    }

    @Test
    void gapsSlideOutOfTheWindow() {
        SeqWindow w = received(1, 100, Set.of(3L, 9L, 17L, 20L, 33L, 40L, 51L, 60L));
        assertThat(w.loss()).as("window 37..100 misses 40, 51, 60").isEqualTo(3 / 64.0);
    }

    @Test
    void duplicatesAreNotCountedTwice() {
        Set<Long> missing = Set.of(10L, 20L, 30L, 40L, 50L, 55L, 60L, 63L);
        SeqWindow w = received(1, 64, missing);
        for (long s = 1; s <= 64; s++) {
            if (!missing.contains(s)) {
                assertThat(record(w, s)).as("seq %d again", s).isEqualTo(Outcome.IGNORED);
            }
        }
        assertThat(w.received()).isEqualTo(56);
        assertThat(w.loss()).isEqualTo(0.125);
    }

    @Test
    void aLateArrivalFillsItsHole() {
        SeqWindow w = received(1, 64, Set.of(3L, 9L, 17L, 20L, 33L, 40L, 51L, 60L));
        assertThat(record(w, 33)).isEqualTo(Outcome.FILLED);
        assertThat(w.loss()).isEqualTo(7 / 64.0);
        assertThat(record(w, 33)).as("the same late one again").isEqualTo(Outcome.IGNORED);
        assertThat(w.loss()).isEqualTo(7 / 64.0);
    }

    @Test
    void reorderedNeighboursAreNoLoss() {
        SeqWindow w = new SeqWindow();
        for (long s : new long[] {1, 2, 4, 3, 5, 7, 6, 8, 10, 9}) {
            record(w, s);
        }
        assertThat(w.loss()).isZero();
        assertThat(w.highest()).isEqualTo(10);
    }

    @Test
    void aLateFirstSeqIsReorderingNotARestart() {
        SeqWindow w = new SeqWindow();
        record(w, 2);
        record(w, 3);
        assertThat(record(w, 1)).as("older ts: a late copy").isEqualTo(Outcome.IGNORED);
        assertThat(w.expected()).isEqualTo(2);
    }

    @Test
    void aRestartFromOneResetsTheWindow() {
        SeqWindow w = received(1, 30, Set.of(2L, 3L, 4L, 5L, 6L, 7L));
        assertThat(w.loss()).isEqualTo(0.2);
        assertThat(w.record(1, 10_000)).as("seq 1 again, with a newer ts").isEqualTo(Outcome.RESTARTED);
        assertThat(w.expected()).isEqualTo(1);
        assertThat(w.loss()).isZero();
        w.record(2, 10_100);
        w.record(4, 10_300);
        assertThat(w.loss()).isEqualTo(0.25);
    }

    @Test
    void aRestartFromZeroResetsTheWindow() {
        SeqWindow w = received(1, 5, Set.of(3L));
        assertThat(w.record(0, 10_000)).as("0 lies before the window's start").isEqualTo(Outcome.RESTARTED);
        assertThat(w.loss()).isZero();
    }

    @Test
    void aBigBackwardsJumpIsARestart() {
        SeqWindow w = received(500, 600, Set.of(550L, 590L));
        assertThat(record(w, 536)).as("64 behind 600").isEqualTo(Outcome.RESTARTED);
        assertThat(w.expected()).isEqualTo(1);
        assertThat(w.loss()).isZero();
    }

    @Test
    void anOldSeqBeforeTheWindowStartIsIgnored() {
        SeqWindow w = received(10, 20, Set.of());
        assertThat(record(w, 5)).isEqualTo(Outcome.IGNORED);
        assertThat(w.expected()).isEqualTo(11);
        assertThat(w.loss()).isZero();
    }

    @Test
    void aLongForwardJumpCountsEverythingSkippedAsMissing() {
        SeqWindow w = received(1, 10, Set.of());
        assertThat(record(w, 1_000)).isEqualTo(Outcome.ADVANCED);
        assertThat(w.loss()).isEqualTo(63 / 64.0);
    }
}
