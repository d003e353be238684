package dev.chat.tools.impair;

/** Bernoulli loss: each datagram is lost with probability p, whatever happened to the others. */
final class IndependentLoss implements LossModel {
    private final double p;

    IndependentLoss(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("loss must lie between 0 and 1: " + p);
        }
        this.p = p;
    }

    @Override
    public boolean lost(double u) {
        return u < p;
    }
}
