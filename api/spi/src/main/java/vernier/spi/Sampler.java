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

  /**
   * What this sampler is, in a few words for people, shown with the study ({@code vernier study
   * show}, the API's {@code Study.sampler_description}): e.g. a sampler that picks another says
   * which and why. Empty (the default) when the sampler's name says it all.
   */
  default String description() {
    return "";
  }
}
