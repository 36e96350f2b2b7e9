package vernier.client;

import java.util.Map;

/**
 * Trains one trial for {@link VernierClient#run}: report progress through the trial and return the
 * final metric values. Return after {@link ActiveTrial#shouldPrune()} (or throw {@link
 * TrialPrunedException}) to have the trial told PRUNED; throw anything else to have it told FAILED.
 */
@FunctionalInterface
public interface TrialFunction {
  Map<String, Double> train(ActiveTrial trial) throws Exception;
}
