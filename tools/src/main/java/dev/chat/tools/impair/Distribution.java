package dev.chat.tools.impair;

import java.util.Locale;

/**
 * The distribution of the extra delay X that {@code --jitter J} adds on top of {@code --delay D}.
 * X is never negative (D is the least delay a datagram gets) and is capped at {@link #CAP} times J.
 * Each sample takes exactly two uniform draws u1, u2 in [0, 1), whichever distribution is chosen,
 * so switching the distribution never shifts the loss or duplicate draws of later datagrams.
 *
 * <pre>
 *   uniform      X = J * u1                          mean 0.5 J   p50 0.50 J  p99 0.99 J   max J
 *   normal       X = J * |z|, z = sqrt(-2 ln(1-u1))  mean 0.80 J  p50 0.67 J  p99 2.58 J   (half-normal,
 *                    * cos(2 pi u2)  (Box-Muller)                                             sigma J)
 *   exponential  X = -J * ln(1-u1)                   mean J       p50 0.69 J  p99 4.61 J
 *   pareto       X = J/2 * ((1-u1)^(-1/1.5) - 1)     mean J       p50 0.29 J  p99 10.3 J   (Lomax, shape 1.5:
 *                                                                                           heavy tail)
 * </pre>
 */
public enum Distribution {
    UNIFORM {
        @Override
        double sample(double u1, double u2) {
            return u1;
        }
    },
    NORMAL {
        @Override
        double sample(double u1, double u2) {
            return Math.abs(Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2));
        }
    },
    EXPONENTIAL {
        @Override
        double sample(double u1, double u2) {
            return -Math.log(1 - u1);
        }
    },
    PARETO {
        @Override
        double sample(double u1, double u2) {
            return PARETO_SCALE * (Math.pow(1 - u1, -1 / PARETO_SHAPE) - 1);
        }
    };

    /** The largest extra delay, in units of the jitter: keeps the Pareto tail from holding a datagram for hours. */
    public static final double CAP = 100;
    /** Shape alpha of the Pareto (Lomax) tail: below 2, so its variance is infinite. */
    static final double PARETO_SHAPE = 1.5;
    /** Scale so that the Pareto mean, scale / (alpha - 1), is one jitter. */
    static final double PARETO_SCALE = PARETO_SHAPE - 1;

    /** The extra delay in units of the jitter, from two uniform draws in [0, 1); between 0 and {@link #CAP}. */
    abstract double sample(double u1, double u2);

    /** The extra delay in nanoseconds for a jitter of {@code jitterNanos}. */
    long extraNanos(long jitterNanos, double u1, double u2) {
        if (jitterNanos == 0) {
            return 0;
        }
        return Math.round(jitterNanos * Math.min(CAP, sample(u1, u2)));
    }

    /** The option value: {@code uniform}, {@code normal}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
