package vernier.djl;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.logging.Logger;
import vernier.client.ActiveTrial;
import vernier.client.TrialPrunedException;
import vernier.client.VernierClient;

/**
 * Trains one trial: builds the model from the trial's hyperparameters, reports {@code train_loss}
 * every {@code reportEvery} steps and the validation metrics every {@code evalEvery} steps (where
 * it also checkpoints), stops at the first report answered PRUNE or STOP, and returns the final
 * validation metrics.
 */
public final class TrialTrainer {

  private static final Logger log = Logger.getLogger(TrialTrainer.class.getName());

  private final Task task;
  private final VernierClient client;
  private final Checkpoints checkpoints;
  private final Settings settings;

  /** How often to report and evaluate, and the default budget when the study does not tune max_steps. */
  public record Settings(int defaultMaxSteps, int evalEvery, int reportEvery) {}

  TrialTrainer(Task task, VernierClient client, Path checkpointRoot, Settings settings) {
    this.task = task;
    this.client = client;
    this.checkpoints = new Checkpoints(checkpointRoot);
    this.settings = settings;
  }

  /** A trainer for the built-in text-classification task. */
  public static TrialTrainer builtInText(VernierClient client, Path checkpointRoot, Settings settings) {
    return new TrialTrainer(new TextTask(TextData.builtIn(16), 16), client, checkpointRoot, settings);
  }

  public Map<String, Double> train(ActiveTrial trial, Device device) throws IOException {
    Hyperparams h = Hyperparams.of(trial, settings.defaultMaxSteps());
    trial.label("device", device.toString());
    Path dir = checkpoints.directory(trial.trial().getName().replaceAll("/trials/\\d+$", ""), trial.trial().getNumber());
    try (Model model = Model.newInstance("trial-" + trial.trial().getNumber(), device)) {
      model.setBlock(task.model(h));
      long start = 0;
      Optional<Checkpoints.Saved> saved = checkpoints.forRetry(client, trial.trial());
      if (saved.isPresent()) {
        Checkpoints.load(model, saved.get());
        start = saved.get().step();
        log.info(trial.name() + " resumes from " + saved.get().directory() + " at step " + start);
      }
      DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
          .optOptimizer(optimizer(h, (int) start))
          .optDevices(new Device[] {device});
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(task.inputShape(h));
        return loop(trial, h, model, trainer, dir, start);
      }
    }
  }

  private Map<String, Double> loop(ActiveTrial trial, Hyperparams h, Model model, Trainer trainer, Path dir,
      long start) throws IOException {
    if (start >= h.maxSteps()) { // resumed from a checkpoint of a finished run: just measure it
      Map<String, Double> done = task.evaluate(trainer, h);
      trial.report(start, done);
      return done;
    }
    SplittableRandom random = new SplittableRandom(trial.trial().getNumber() * 1_000_003L + start);
    Map<String, Double> last = new HashMap<>();
    double runningLoss = 0;
    int lossCount = 0;
    for (long step = start + 1; step <= h.maxSteps(); step++) {
      try (NDManager batchManager = trainer.getManager().newSubManager()) {
        NDList[] batch = task.batch(batchManager, random, h);
        TrainingLock.STEP.lock();
        try {
          try (GradientCollector collector = trainer.newGradientCollector()) {
            NDArray loss = trainer.getLoss().evaluate(batch[1], trainer.forward(batch[0]));
            collector.backward(loss);
            runningLoss += loss.toType(DataType.FLOAT64, false).getDouble();
            lossCount++;
          }
          trainer.step();
        } finally {
          TrainingLock.STEP.unlock();
        }
      }
      boolean evaluate = step % settings.evalEvery() == 0 || step == h.maxSteps();
      Map<String, Double> metrics = new HashMap<>();
      if (step % settings.reportEvery() == 0 || evaluate) {
        metrics.put("train_loss", runningLoss / lossCount);
        runningLoss = 0;
        lossCount = 0;
      }
      if (evaluate) {
        last = task.evaluate(trainer, h);
        metrics.putAll(last);
        checkpoints.save(model, dir, step);
      }
      if (!metrics.isEmpty()) {
        trial.report(step, metrics);
        if (trial.shouldPrune()) {
          throw new TrialPrunedException(trial.name() + " pruned at step " + step);
        }
      }
    }
    return last;
  }

  /** The optimizer with its learning-rate schedule (warm-up, then constant, cosine or exponential). */
  static Optimizer optimizer(Hyperparams h, int completedSteps) {
    float lr = (float) h.lr();
    Tracker schedule = switch (h.schedule()) {
      case "cosine" -> Tracker.cosine().setBaseValue(lr).optFinalValue(lr * 0.01f).setMaxUpdates(h.maxSteps()).build();
      case "exponential" -> Tracker.factor().setBaseValue(lr)
          .setFactor((float) Math.pow(0.01, 1.0 / h.maxSteps())).build();
      default -> Tracker.fixed(lr);
    };
    Tracker tracker = h.warmupSteps() > 0
        ? Tracker.warmUp().setMainTracker(schedule).optWarmUpSteps(h.warmupSteps()).build() : schedule;
    float wd = (float) h.weightDecay();
    return switch (h.optimizer()) {
      case "sgd" -> Optimizer.sgd().setLearningRateTracker(tracker).optMomentum((float) h.momentum())
          .optWeightDecays(wd).optClipGrad(5f).optBeginNumUpdate(completedSteps).build();
      case "adamw" -> Optimizer.adamW().optLearningRateTracker(tracker).optWeightDecays(wd).optClipGrad(5f)
          .optBeginNumUpdate(completedSteps).build();
      case "adagrad" -> DenseAdagrad.builder().optLearningRateTracker(tracker).optWeightDecays(wd).optClipGrad(5f)
          .optBeginNumUpdate(completedSteps).build();
      default -> Optimizer.adam().optLearningRateTracker(tracker).optWeightDecays(wd).optClipGrad(5f)
          .optBeginNumUpdate(completedSteps).build();
    };
  }
}
