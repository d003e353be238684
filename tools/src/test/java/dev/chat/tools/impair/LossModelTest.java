package dev.chat.tools.impair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The loss models' statistics over many draws, for fixed seeds. */
class LossModelTest {

    static BitSet pattern(LossModel m, long seed, int n) {
        Random r = new Random(seed);
        BitSet lost = new BitSet(n);
        for (int i = 0; i < n; i++) {
            if (m.lost(r.nextDouble())) {
                lost.set(i);
            }
        }
        return lost;
    }

    /** Mean length of the runs of consecutive losses. */
    static double meanRun(BitSet lost, int n) {
        int runs = 0;
        for (int i = 0; i < n; i++) {
            if (lost.get(i) && (i == 0 || !lost.get(i - 1))) {
                runs++;
            }
        }
        return runs == 0 ? 0 : (double) lost.cardinality() / runs;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234567})
    void independentLossOf20PercentOver20000IsWithinTwoPoints(long seed) {
        BitSet lost = pattern(new IndependentLoss(0.2), seed, 20_000);
        assertThat(lost.cardinality() / 20_000.0).isCloseTo(0.2, within(0.02));
        // independent: runs are short, mean 1/(1-p) = 1.25
        assertThat(meanRun(lost, 20_000)).isCloseTo(1.25, within(0.1));
    }

    @ParameterizedTest
    @CsvSource({"0.2,4", "0.1,2", "0.3,10", "0.05,1.5"})
    void gilbertElliottGivesTheLossInBurstsOfTheMeanLength(double loss, double burst) {
        int n = 200_000;
        BitSet lost = pattern(new GilbertElliottLoss(loss, burst), 7, n);
        assertThat(lost.cardinality() / (double) n).isCloseTo(loss, within(0.02));
        assertThat(meanRun(lost, n)).isCloseTo(burst, within(burst * 0.1));
    }

    @Test
    void sameSeedSamePattern() {
        assertThat(pattern(new GilbertElliottLoss(0.2, 4), 9, 10_000)).isEqualTo(pattern(new GilbertElliottLoss(0.2, 4), 9, 10_000));
        assertThat(pattern(new IndependentLoss(0.2), 9, 10_000)).isNotEqualTo(pattern(new IndependentLoss(0.2), 10, 10_000));
    }

    @Test
    void burstsThatCannotMakeTheLossAreRefused() {
        // mean burst 1 means r = 1: at most every other datagram lost
        assertThatThrownBy(() -> new GilbertElliottLoss(0.6, 1)).hasMessageContaining("B/(B+1)");
        assertThat(new GilbertElliottLoss(0.5, 1)).isNotNull();
    }
}
