package vernier.client;

import java.util.Map;

/**
 * Trains one trial for {@link VernierClient#run}: report progress through the trial and return the
 * final metric values, which {@code run} tells as SUCCEEDED. When {@link ActiveTrial#shouldStop()}
 * says so after a report, tell {@link ActiveTrial#prune()} and return (the values are then
 * ignored). Deep inside training code, throwing {@link TrialPrunedException} has {@code run} tell
 * PRUNED; throwing anything else has it tell FAILED.
 */
@FunctionalInterface
public interface TrialFunction {
  Map<String, Double> train(ActiveTrial trial) throws Exception;
}
