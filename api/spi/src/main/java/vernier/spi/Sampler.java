package vernier.spi;

/**
 * A search strategy. One instance serves one study; the server calls it from that study's single
 * thread, so implementations need not be thread-safe.
 */
public interface Sampler {

  /**
   * Proposes the parameters of the next trial. {@link StudyView#running()} lists trials whose
   * parameters are taken, so parallel workers can be given distinct points.
   */
  Suggestion suggest(StudyView study, SamplingContext context);
}
