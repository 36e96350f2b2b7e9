package vernier.server.check;

import java.util.Map;
import java.util.function.LongPredicate;
import java.util.function.Predicate;
import vernier.spi.Checkpoint;
import vernier.spi.ParamValue;
import vernier.spi.StudyDefinition;
import vernier.spi.Suggestion;

/**
 * A sampler's suggestion checked like a user's request: params in the space (normalised), a
 * checkpoint that names a trial of the study, labels in the sampler's namespace. A sampler that
 * breaks these rules has a bug: {@link IllegalStateException} naming it.
 */
public record CheckedSuggestion(
    Map<String, ParamValue> params,
    Checkpoint startFrom,
    long maxStep,
    Map<String, String> labels) {

  /**
   * @param trialExists whether a trial number is one of the study's trials
   * @param samplerLabel whether a label key is in an installed sampler's namespace
   */
  public static CheckedSuggestion of(
      Suggestion.Params suggested,
      StudyDefinition study,
      String sampler,
      LongPredicate trialExists,
      Predicate<String> samplerLabel) {
    Map<String, ParamValue> params =
        ParamsCheck.suggested(study.space(), suggested.values(), sampler);
    Checkpoint startFrom = suggested.startFrom().orElse(null);
    if (startFrom != null && !trialExists.test(startFrom.trial())) {
      throw new IllegalStateException(
          "sampler '" + sampler + "' starts from " + startFrom + ", not a trial of the study");
    }
    Labels.checkFromSampler(suggested.labels(), samplerLabel, sampler);
    return new CheckedSuggestion(params, startFrom, suggested.maxStep(), suggested.labels());
  }
}
