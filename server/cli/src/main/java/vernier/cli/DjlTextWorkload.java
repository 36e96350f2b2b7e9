package vernier.cli;

import static vernier.client.Parameters.choice;
import static vernier.client.Parameters.floating;
import static vernier.client.Parameters.integer;
import static vernier.client.Parameters.logFloat;
import static vernier.client.Parameters.logInteger;
import static vernier.client.Parameters.steppedInteger;
import static vernier.client.Parameters.when;

import ai.djl.Device;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import vernier.client.ActiveTrial;
import vernier.client.TrialPrunedException;
import vernier.client.VernierClient;
import vernier.djl.TrialTrainer;
import vernier.v1.Direction;
import vernier.v1.Objective;
import vernier.v1.StudySpec;

/**
 * The demo's default workload: the DJL reference worker training its built-in text classifier on
 * the CPU, over the hyperparameters of examples/djl-text.yaml except max_steps, which the demo
 * fixes.
 */
final class DjlTextWorkload implements Workload {

  private final TrialTrainer trainer;

  DjlTextWorkload(VernierClient client, Path checkpoints, int steps) {
    this.trainer =
        TrialTrainer.builtInText(client, checkpoints, new TrialTrainer.Settings(steps, 25, 5));
  }

  @Override
  public StudySpec.Builder spec() {
    return StudySpec.newBuilder()
        .addParameters(logFloat("lr", 1e-4, 0.3))
        .addParameters(choice("optimizer", "adam", "adamw", "sgd", "adagrad"))
        .addParameters(when(floating("momentum", 0.5, 0.99), "optimizer", "sgd"))
        .addParameters(steppedInteger("batch_size", 16, 128, 16))
        .addParameters(integer("layers", 0, 3))
        .addParameters(logInteger("units", 16, 256))
        .addParameters(logInteger("embedding_size", 8, 64))
        .addParameters(floating("dropout", 0.0, 0.5))
        .addParameters(logFloat("weight_decay", 1e-6, 1e-2))
        .addParameters(integer("warmup_steps", 0, 50))
        .addParameters(choice("schedule", "constant", "cosine", "exponential"))
        .addObjectives(
            Objective.newBuilder().setMetric("val_loss").setDirection(Direction.MINIMIZE));
  }

  @Override
  public void train(ActiveTrial trial) {
    try {
      Map<String, Double> values = trainer.train(trial, Device.cpu());
      trial.succeed(values);
    } catch (TrialPrunedException e) {
      trial.prune();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
