package vernier.cli;

import ai.djl.Device;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import vernier.client.ActiveTrial;
import vernier.client.TrialPrunedException;
import vernier.client.VernierClient;
import vernier.djl.TrialTrainer;
import vernier.v1.CategoricalDomain;
import vernier.v1.Condition;
import vernier.v1.Direction;
import vernier.v1.FloatDomain;
import vernier.v1.IntDomain;
import vernier.v1.Objective;
import vernier.v1.ParamValue;
import vernier.v1.ParameterSpec;
import vernier.v1.StudySpec;

/**
 * The demo's default workload: the DJL reference worker training its built-in text classifier on
 * the CPU, over the hyperparameters of examples/djl-text.yaml except max_steps, which the demo fixes.
 */
final class DjlTextWorkload implements Workload {

  private final TrialTrainer trainer;

  DjlTextWorkload(VernierClient client, Path checkpoints, int steps) {
    this.trainer = TrialTrainer.builtInText(client, checkpoints, new TrialTrainer.Settings(steps, 25, 5));
  }

  @Override
  public StudySpec.Builder spec() {
    return StudySpec.newBuilder()
        .addParameters(floatParam("lr", 1e-4, 0.3, true))
        .addParameters(categorical("optimizer", "adam", "adamw", "sgd", "adagrad"))
        .addParameters(floatParam("momentum", 0.5, 0.99, false).toBuilder()
            .setCondition(Condition.newBuilder().setParent("optimizer").addValues(str("sgd"))))
        .addParameters(ParameterSpec.newBuilder().setName("batch_size")
            .setIntDomain(IntDomain.newBuilder().setMin(16).setMax(128).setStep(16)))
        .addParameters(intParam("layers", 0, 3, false))
        .addParameters(intParam("units", 16, 256, true))
        .addParameters(intParam("embedding_size", 8, 64, true))
        .addParameters(floatParam("dropout", 0.0, 0.5, false))
        .addParameters(floatParam("weight_decay", 1e-6, 1e-2, true))
        .addParameters(intParam("warmup_steps", 0, 50, false))
        .addParameters(categorical("schedule", "constant", "cosine", "exponential"))
        .addObjectives(Objective.newBuilder().setMetric("val_loss").setDirection(Direction.MINIMIZE));
  }

  @Override
  public void train(ActiveTrial trial) {
    try {
      Map<String, Double> values = trainer.train(trial, Device.cpu());
      trial.succeeded(values);
    } catch (TrialPrunedException e) {
      trial.pruned();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ParameterSpec floatParam(String name, double min, double max, boolean log) {
    return ParameterSpec.newBuilder().setName(name)
        .setFloatDomain(FloatDomain.newBuilder().setMin(min).setMax(max).setLogScale(log)).build();
  }

  private static ParameterSpec intParam(String name, long min, long max, boolean log) {
    return ParameterSpec.newBuilder().setName(name)
        .setIntDomain(IntDomain.newBuilder().setMin(min).setMax(max).setLogScale(log)).build();
  }

  private static ParameterSpec categorical(String name, String... choices) {
    CategoricalDomain.Builder domain = CategoricalDomain.newBuilder();
    for (String c : choices) {
      domain.addChoices(str(c));
    }
    return ParameterSpec.newBuilder().setName(name).setCategorical(domain).build();
  }

  private static ParamValue str(String s) {
    return ParamValue.newBuilder().setStringValue(s).build();
  }
}
