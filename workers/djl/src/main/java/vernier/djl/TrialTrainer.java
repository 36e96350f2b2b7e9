package vernier.djl;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vernier.client.ActiveTrial;
import vernier.client.TrialPrunedException;
import vernier.client.VernierClient;

/**
 * Trains one trial: builds the model from the trial's hyperparameters, reports {@code train_loss}
 * every {@code reportEvery} steps and the validation metrics every {@code evalEvery} steps (where
 * it also checkpoints, as at its last step), stops at the first report answered PRUNE or STOP, and
 * returns the final validation metrics. Steps are global along a lineage: a trial that starts from
 * a checkpoint saved after step S (a retry's, or a population-based-training parent's) reports
 * steps S + 1 onwards, and its learning-rate schedule continues at step S + 1.
 */
public final class TrialTrainer {

  private static final Logger log = LoggerFactory.getLogger(TrialTrainer.class);

  private final Task task;
  private final VernierClient client;
  private final Checkpoints checkpoints;
  private final Settings settings;

  /**
   * How often to report and evaluate, and the default budget when the study does not tune
   * max_steps.
   */
  public record Settings(int defaultMaxSteps, int evalEvery, int reportEvery) {}

  TrialTrainer(Task task, VernierClient client, Path checkpointRoot, Settings settings) {
    this.task = task;
    this.client = client;
    this.checkpoints = new Checkpoints(checkpointRoot);
    this.settings = settings;
  }

  /** A trainer for the built-in text-classification task. */
  public static TrialTrainer builtInText(
      VernierClient client, Path checkpointRoot, Settings settings) {
    return new TrialTrainer(
        new TextTask(TextData.builtIn(16), 16), client, checkpointRoot, settings);
  }

  /**
   * Trains {@code trial}: from scratch, from the newest checkpoint along its {@code retry_of} chain
   * (a retry), or from the checkpoint its {@code start_from} names (population-based training),
   * reporting the steps after the checkpoint's, until its {@code max_step} or, when the trial has
   * none, the {@code max_steps} hyperparameter.
   */
  public Map<String, Double> train(ActiveTrial trial, Device device) throws IOException {
    Hyperparams h = Hyperparams.of(trial, settings.defaultMaxSteps());
    long end = trial.maxStep().orElse(h.maxSteps());
    trial.label("device", device.toString());
    String study = Checkpoints.studyDirectory(client, trial.trial());
    Path dir = checkpoints.directory(study, trial.trial().getNumber());
    Optional<Checkpoints.Saved> saved = checkpoints.start(client, trial.trial(), study);
    try (Model model = Model.newInstance("trial-" + trial.trial().getNumber(), device)) {
      model.setBlock(task.model(h));
      long start = 0;
      if (saved.isPresent()) {
        load(model, saved.get(), h, device);
        start = saved.get().step();
        trial.label("started_from", saved.get().label());
        log.info(
            "{} starts from {} (trial {}, step {}) and trains until step {}",
            trial.name(),
            saved.get().directory(),
            saved.get().trial(),
            start,
            end);
      }
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
              .optOptimizer(optimizer(h, Math.toIntExact(start)))
              .optDevices(new Device[] {device});
      try (Trainer trainer = model.newTrainer(config)) {
        TrainingLock.STEP.lock();
        try {
          seed(trainer, trial, start);
          trainer.initialize(task.inputShape(h));
        } finally {
          TrainingLock.STEP.unlock();
        }
        return loop(trial, h, model, trainer, dir, start, end);
      }
    }
  }

  /**
   * Loads a checkpoint, checking that it fits this trial's model: DJL loads weights of any shape
   * without complaint, so a checkpoint of a model with other {@code units}, {@code embedding_size}
   * or {@code heads} would silently train the saved model's architecture instead of this trial's.
   */
  private void load(Model model, Checkpoints.Saved saved, Hyperparams h, Device device)
      throws IOException {
    Map<String, Shape> expected;
    try (NDManager manager = NDManager.newBaseManager(device)) {
      Block fresh = task.model(h);
      TrainingLock.STEP
          .lock(); // initialising draws from the engine's generator that other trials seed
      try {
        fresh.initialize(manager, DataType.FLOAT32, task.inputShape(h));
      } finally {
        TrainingLock.STEP.unlock();
      }
      expected = shapes(fresh);
    }
    Checkpoints.load(model, saved);
    Map<String, Shape> loaded = shapes(model.getBlock());
    for (Map.Entry<String, Shape> e : expected.entrySet()) {
      Shape there = loaded.get(e.getKey());
      if (!e.getValue().equals(there)) {
        throw new IOException(
            "checkpoint "
                + saved.directory()
                + " does not fit this trial's model: parameter "
                + e.getKey()
                + " is "
                + there
                + " there and "
                + e.getValue()
                + " here; a trial must keep the model parameters (layers, units, embedding_size,"
                + " heads, sequence_length) of the trial it starts from");
      }
    }
  }

  private static Map<String, Shape> shapes(Block block) {
    Map<String, Shape> shapes = new LinkedHashMap<>();
    block.getParameters().forEach(p -> shapes.put(p.getKey(), p.getValue().getArray().getShape()));
    return shapes;
  }

  /**
   * Seeds the engine's generator (weight initialisation, dropout) from the trial's number and the
   * step, under the training lock, so that a trial trains the same way whichever other trials share
   * the process: reruns reproduce a sweep and pruners are compared on identical curves.
   */
  private static void seed(Trainer trainer, ActiveTrial trial, long step) {
    trainer
        .getManager()
        .getEngine()
        .setRandomSeed(Long.hashCode(trial.trial().getNumber() * 1_000_003L + step));
  }

  /**
   * Steps {@code start + 1 .. end}; evaluates and checkpoints every {@code evalEvery} steps and at
   * {@code end}.
   */
  private Map<String, Double> loop(
      ActiveTrial trial,
      Hyperparams h,
      Model model,
      Trainer trainer,
      Path dir,
      long start,
      long end)
      throws IOException {
    if (start
        >= end) { // resumed from a checkpoint at or past the end: measure it, and keep it as this
      // trial's
      Map<String, Double> done = task.evaluate(trainer, h);
      checkpoints.save(model, dir, start);
      trial.report(start, done);
      return done;
    }
    SplittableRandom random = new SplittableRandom(trial.trial().getNumber() * 1_000_003L + start);
    Map<String, Double> last = new HashMap<>();
    double runningLoss = 0;
    int lossCount = 0;
    for (long step = start + 1; step <= end; step++) {
      try (NDManager batchManager = trainer.getManager().newSubManager()) {
        NDList[] batch = task.batch(batchManager, random, h);
        TrainingLock.STEP.lock();
        try {
          seed(trainer, trial, step);
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
      boolean evaluate = step % settings.evalEvery() == 0 || step == end;
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
        if (trial.shouldStop()) {
          throw new TrialPrunedException(trial.name() + " pruned at step " + step);
        }
      }
    }
    return last;
  }

  /**
   * The optimizer with its learning-rate schedule (warm-up, then constant, cosine or exponential)
   * for a run that starts after {@code completedSteps} steps of its lineage. The schedule runs on
   * the global step ({@code completedSteps} + the updates of this run) over {@code max_steps}; the
   * optimizer itself counts from 1, because its state (Adam's moments and their bias correction)
   * restarts from zero.
   */
  static Optimizer optimizer(Hyperparams h, int completedSteps) {
    Tracker tracker = new Shifted(schedule(h), completedSteps);
    float wd = (float) h.weightDecay();
    return switch (h.optimizer()) {
      case "sgd" ->
          Optimizer.sgd()
              .setLearningRateTracker(tracker)
              .optMomentum((float) h.momentum())
              .optWeightDecays(wd)
              .optClipGrad(5f)
              .build();
      case "adamw" ->
          Optimizer.adamW()
              .optLearningRateTracker(tracker)
              .optWeightDecays(wd)
              .optClipGrad(5f)
              .build();
      case "adagrad" ->
          DenseAdagrad.builder()
              .optLearningRateTracker(tracker)
              .optWeightDecays(wd)
              .optClipGrad(5f)
              .build();
      default ->
          Optimizer.adam()
              .optLearningRateTracker(tracker)
              .optWeightDecays(wd)
              .optClipGrad(5f)
              .build();
    };
  }

  /**
   * The learning rate at global step n (from 1): warm-up over {@code warmup_steps}, then constant,
   * cosine or exponential over {@code max_steps}; after that both decays stay at lr/100.
   */
  static Tracker schedule(Hyperparams h) {
    float lr = (float) h.lr();
    Tracker schedule =
        switch (h.schedule()) {
          case "cosine" ->
              Tracker.cosine()
                  .setBaseValue(lr)
                  .optFinalValue(lr * 0.01f)
                  .setMaxUpdates(h.maxSteps())
                  .build();
          case "exponential" ->
              Tracker.factor()
                  .setBaseValue(lr)
                  .setFactor((float) Math.pow(0.01, 1.0 / h.maxSteps()))
                  .optMaxUpdates(h.maxSteps())
                  .build();
          default -> Tracker.fixed(lr);
        };
    return h.warmupSteps() > 0
        ? Tracker.warmUp().setMainTracker(schedule).optWarmUpSteps(h.warmupSteps()).build()
        : schedule;
  }

  /**
   * A schedule read {@code offset} steps further on: this run's update n is the lineage's step
   * offset + n.
   */
  record Shifted(Tracker schedule, int offset) implements Tracker {

    @Override
    public float getNewValue(int numUpdate) {
      return schedule.getNewValue(numUpdate + offset);
    }
  }
}
