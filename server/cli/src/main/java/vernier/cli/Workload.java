package vernier.cli;

import vernier.client.ActiveTrial;
import vernier.v1.StudySpec;

/**
 * What the demo tunes: a search space and a training routine that reports per step through the
 * trial and tells its outcome. The seam where the DJL reference worker plugs in.
 */
interface Workload {

  /** The study spec without sampler, pruner and limits (the demo sets those). */
  StudySpec.Builder spec();

  /** Trains one trial: reports every step, stops when told, tells the outcome. */
  void train(ActiveTrial trial) throws InterruptedException;
}
