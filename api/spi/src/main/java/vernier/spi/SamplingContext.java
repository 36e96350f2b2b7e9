package vernier.spi;

import java.util.random.RandomGenerator;

/**
 * Per-call context from the server. {@code random} is derived from the study seed and the number of
 * trials created so far, so the same seed and the same sequence of asks give the same study, also
 * across restarts.
 */
public record SamplingContext(RandomGenerator random) {}
