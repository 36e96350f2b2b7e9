package vernier.djl;

import java.util.concurrent.locks.ReentrantLock;

/**
 * DJL's PyTorch engine allows one gradient collector per process at a time, so trials trained in
 * the same process take turns for each forward/backward/update; evaluation runs freely. For one
 * trial per GPU at full speed, {@link DjlWorker} runs one process per GPU instead.
 */
final class TrainingLock {

  static final ReentrantLock STEP = new ReentrantLock();

  private TrainingLock() {}
}
