package dev.chat.tools.impair;

import java.util.Random;

/**
 * The seeded source of every random decision for one direction. It draws a fixed number of
 * uniforms per datagram ({@link #DRAWS_PER_DATAGRAM}: loss, duplicate, reorder, and two for each of
 * the two delays) whatever the outcome and whatever the options, and reads no clock: the fate of
 * the n-th datagram depends only on the seed, the options and n. So the same seed gives the same
 * drop pattern in every run, and with or without, say, {@code --duplicate}.
 * {@link java.util.Random} is used because its sequence is specified, the same on every JVM.
 */
final class Impairment {
    /** Uniform draws taken for each datagram. */
    static final int DRAWS_PER_DATAGRAM = 7;
    /** Uniform draws taken for each TCP chunk (its delay only). */
    static final int DRAWS_PER_CHUNK = 2;

    private final Random random;
    private final LossModel loss;
    private final double duplicate;
    private final double reorder;
    private final long delayNanos;
    private final long jitterNanos;
    private final Distribution distribution;

    Impairment(long seed, LossModel loss, double duplicate, double reorder, long delayNanos, long jitterNanos,
            Distribution distribution) {
        this.random = new Random(seed);
        this.loss = loss;
        this.duplicate = duplicate;
        this.reorder = reorder;
        this.delayNanos = delayNanos;
        this.jitterNanos = jitterNanos;
        this.distribution = distribution;
    }

    /** The impairments of {@code config} for one direction: none at all for replies under {@code --one-way}. */
    static Impairment forDirection(ImpairConfig config, Direction direction, long stream) {
        long seed = seedFor(config.seed(), direction, stream);
        if (direction == Direction.REPLY && config.oneWay()) {
            return new Impairment(seed, new IndependentLoss(0), 0, 0, 0, 0, Distribution.UNIFORM);
        }
        return new Impairment(seed, LossModel.of(config.loss(), config.burst()), config.duplicate(), config.reorder(),
                config.delay().toNanos(), config.jitter().toNanos(), config.distribution());
    }

    /**
     * The seed of one random stream: each direction (and each TCP connection, numbered from 0 in
     * accept order) has its own, so replies do not shift the draws of forwarded datagrams.
     */
    static long seedFor(long seed, Direction direction, long stream) {
        long z = seed + 0x9E3779B97F4A7C15L * (2 * stream + direction.ordinal() + 1);
        // SplitMix64 finaliser: nearby seeds give unrelated streams
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The fate of the next datagram. */
    Fate next() {
        double uLoss = random.nextDouble();
        double uDuplicate = random.nextDouble();
        double uReorder = random.nextDouble();
        long delay = delay(random.nextDouble(), random.nextDouble());
        long duplicateDelay = delay(random.nextDouble(), random.nextDouble());
        return new Fate(loss.lost(uLoss), uDuplicate < duplicate, uReorder < reorder, delay, duplicateDelay);
    }

    /** The delay of the next TCP chunk. */
    long nextChunkDelay() {
        return delay(random.nextDouble(), random.nextDouble());
    }

    private long delay(double u1, double u2) {
        return delayNanos + distribution.extraNanos(jitterNanos, u1, u2);
    }
}
