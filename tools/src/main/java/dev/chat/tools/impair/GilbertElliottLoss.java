package dev.chat.tools.impair;

/**
 * Bursty loss: a two-state Markov chain (the Gilbert-Elliott model with loss 1 in the Bad state and
 * 0 in the Good state, also called the simple Gilbert model). Before each datagram the chain moves
 * Good to Bad with probability p and Bad to Good with probability r; the datagram is lost when the
 * chain is in Bad. A run of losses therefore has a geometric length with mean 1/r, and the chain
 * spends the share p/(p+r) of datagrams in Bad. From the mean burst length B and the overall loss
 * L: r = 1/B and p = L r / (1 - L), which needs p &lt;= 1, that is L &lt;= B / (B + 1).
 */
final class GilbertElliottLoss implements LossModel {
    private final double p;
    private final double r;
    private boolean bad;

    GilbertElliottLoss(double loss, double meanBurst) {
        if (!(meanBurst >= 1)) {
            throw new IllegalArgumentException("the mean burst length must be at least 1 datagram: " + meanBurst);
        }
        if (!(loss > 0 && loss < 1)) {
            throw new IllegalArgumentException("bursty loss needs a loss strictly between 0 and 1: " + loss);
        }
        this.r = 1 / meanBurst;
        this.p = loss * r / (1 - loss);
        if (p > 1) {
            throw new IllegalArgumentException(maxLossMessage(loss, meanBurst));
        }
    }

    /** The message for a loss that bursts of this mean length cannot produce. */
    static String maxLossMessage(double loss, double meanBurst) {
        return String.format(java.util.Locale.ROOT,
                "a loss of %.4g cannot be made of bursts of mean length %.4g: the most is B/(B+1) = %.4g; raise --burst or lower --loss",
                loss, meanBurst, meanBurst / (meanBurst + 1));
    }

    @Override
    public boolean lost(double u) {
        bad = bad ? u >= r : u < p;
        return bad;
    }
}
