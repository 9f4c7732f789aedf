package org.rlhf4j.engine.random;

import static java.util.Objects.requireNonNull;

/**
 * A small, fast, seedable random number generator (xoshiro256** seeded through SplitMix64) whose
 * complete state is four {@code long}s, so it can be checkpointed and restored exactly.
 *
 * <p>Every source of randomness in the engine (weight init, batch shuffling, sampling) goes through
 * an instance of this class, which makes whole runs reproducible from a seed. Not thread-safe.
 */
public final class Rng {
    private long s0;
    private long s1;
    private long s2;
    private long s3;

    /** Creates a generator from a seed; equal seeds give equal streams. */
    public Rng(long seed) {
        long x = seed;
        long[] s = new long[4];
        for (int i = 0; i < 4; i++) {
            x += 0x9E3779B97F4A7C15L;
            long z = x;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            s[i] = z ^ (z >>> 31);
        }
        setState(s);
    }

    private Rng(long[] state) {
        setState(state);
    }

    /** Restores a generator from a state previously returned by {@link #state()}. */
    public static Rng fromState(long[] state) {
        return new Rng(state);
    }

    /** The full state (a copy): four longs. */
    public long[] state() {
        return new long[] {s0, s1, s2, s3};
    }

    private void setState(long[] state) {
        requireNonNull(state, "state is null");
        if (state.length != 4) {
            throw new IllegalArgumentException("state must have 4 longs, got " + state.length);
        }
        if ((state[0] | state[1] | state[2] | state[3]) == 0) {
            throw new IllegalArgumentException("state must not be all zero");
        }
        s0 = state[0];
        s1 = state[1];
        s2 = state[2];
        s3 = state[3];
    }

    /** A copy with the same state; both then produce the same stream independently. */
    public Rng copy() {
        return new Rng(state());
    }

    /** A new generator seeded from this one (advances this one by one draw). */
    public Rng split() {
        return new Rng(nextLong());
    }

    /** Next 64 uniformly random bits. */
    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** Uniform double in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform int in [0, bound), unbiased (Lemire's method with rejection). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive: " + bound);
        }
        long r = (nextLong() >>> 33); // 31 bits
        long m = r * bound;
        long l = m & 0x7FFFFFFFL;
        if (l < bound) {
            long threshold = (0x80000000L - bound) % bound;
            while (l < threshold) {
                r = (nextLong() >>> 33);
                m = r * bound;
                l = m & 0x7FFFFFFFL;
            }
        }
        return (int) (m >>> 31);
    }

    /** Standard normal sample (Box-Muller; one of the pair is used, so no hidden cached state). */
    public double nextGaussian() {
        double u1 = nextDouble();
        double u2 = nextDouble();
        if (u1 < 1e-300) {
            u1 = 1e-300;
        }
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** Shuffles {@code a} in place (Fisher-Yates). */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** A random permutation of 0..n-1. */
    public int[] permutation(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        shuffle(a);
        return a;
    }
}
