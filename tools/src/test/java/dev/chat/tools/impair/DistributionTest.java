package dev.chat.tools.impair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The jitter samplers against their formulas, deterministically (seeded, no sockets, no clock). */
class DistributionTest {
    private static final int N = 200_000;

    /** Sorted samples in units of the jitter. */
    private static double[] samples(Distribution d, long seed) {
        Random r = new Random(seed);
        double[] x = new double[N];
        for (int i = 0; i < N; i++) {
            x[i] = Math.min(Distribution.CAP, d.sample(r.nextDouble(), r.nextDouble()));
        }
        Arrays.sort(x);
        return x;
    }

    private static double quantile(double[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    }

    private static double mean(double[] x) {
        return Arrays.stream(x).average().orElseThrow();
    }

    @Test
    void uniformLiesInZeroToJitterWithMedianHalf() {
        double[] x = samples(Distribution.UNIFORM, 1);
        assertThat(x[0]).isGreaterThanOrEqualTo(0);
        assertThat(x[N - 1]).isLessThan(1);
        assertThat(quantile(x, 0.5)).isCloseTo(0.5, within(0.01));
        assertThat(quantile(x, 0.9)).isCloseTo(0.9, within(0.01));
        assertThat(mean(x)).isCloseTo(0.5, within(0.01));
    }

    @Test
    void normalIsHalfNormalWithSigmaOneJitter() {
        double[] x = samples(Distribution.NORMAL, 2);
        assertThat(x[0]).isGreaterThanOrEqualTo(0);
        assertThat(quantile(x, 0.5)).isCloseTo(0.6745, within(0.01));
        assertThat(quantile(x, 0.99)).isCloseTo(2.5758, within(0.05));
        assertThat(mean(x)).isCloseTo(Math.sqrt(2 / Math.PI), within(0.01));
    }

    @Test
    void exponentialHasMeanOneJitter() {
        double[] x = samples(Distribution.EXPONENTIAL, 3);
        assertThat(x[0]).isGreaterThanOrEqualTo(0);
        assertThat(mean(x)).isCloseTo(1.0, within(0.02));
        assertThat(quantile(x, 0.5)).isCloseTo(Math.log(2), within(0.01));
        assertThat(quantile(x, 0.99)).isCloseTo(Math.log(100), within(0.1));
    }

    @Test
    void paretoHasAHeavyTail() {
        double[] x = samples(Distribution.PARETO, 4);
        // Lomax, shape 1.5, scale 0.5: quantile q = 0.5 ((1-q)^(-1/1.5) - 1)
        assertThat(x[0]).isGreaterThanOrEqualTo(0);
        assertThat(quantile(x, 0.5)).isCloseTo(0.5 * (Math.pow(0.5, -1 / 1.5) - 1), within(0.01));
        assertThat(quantile(x, 0.9)).isCloseTo(0.5 * (Math.pow(0.1, -1 / 1.5) - 1), within(0.05));
        assertThat(quantile(x, 0.99)).isCloseTo(0.5 * (Math.pow(0.01, -1 / 1.5) - 1), within(1.0));
        // heavy: its p99 is far beyond the exponential's with the same mean
        assertThat(quantile(x, 0.99)).isGreaterThan(2 * Math.log(100));
        assertThat(x[N - 1]).isLessThanOrEqualTo(Distribution.CAP);
    }

    @ParameterizedTest
    @EnumSource(Distribution.class)
    void neverNegativeNeverAboveTheCapEvenAtTheEdges(Distribution d) {
        for (double u1 : new double[] {0, 1e-300, 0.5, 1 - 1e-16, Math.nextDown(1.0)}) {
            for (double u2 : new double[] {0, 0.25, 0.5, Math.nextDown(1.0)}) {
                long extra = d.extraNanos(10_000_000, u1, u2);
                assertThat(extra).isBetween(0L, (long) (Distribution.CAP * 10_000_000));
            }
        }
    }

    @Test
    void delayIsTheFloorAndJitterAddsOnTop() {
        ImpairConfig c = ImpairCommand.config("--listen", "127.0.0.1:0", "--forward", "127.0.0.1:9",
                "--delay", "30ms", "--jitter", "10ms", "--seed", "5");
        Impairment imp = Impairment.forDirection(c, Direction.FORWARD, 0);
        long[] d = new long[20_000];
        for (int i = 0; i < d.length; i++) {
            d[i] = imp.next().delayNanos();
        }
        Arrays.sort(d);
        assertThat(d[0]).isGreaterThanOrEqualTo(30_000_000L);
        assertThat(d[d.length - 1]).isLessThanOrEqualTo(40_000_000L);
        assertThat(d[d.length / 2] / 1e6).isCloseTo(35.0, within(0.2));
    }
}
