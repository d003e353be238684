package dev.chat.tools.impair;

/**
 * Decides, datagram by datagram, whether one is lost. Each decision takes exactly one uniform
 * draw, so the loss pattern of a seed does not depend on the other options.
 */
interface LossModel {

    /** Whether the next datagram is lost, given a uniform draw in [0, 1). */
    boolean lost(double u);

    /** Independent loss with probability {@code loss}, or Gilbert-Elliott bursts when {@code burst > 0}. */
    static LossModel of(double loss, double burst) {
        return burst > 0 ? new GilbertElliottLoss(loss, burst) : new IndependentLoss(loss);
    }
}
