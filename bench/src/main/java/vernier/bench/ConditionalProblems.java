package vernier.bench;

import static vernier.bench.Problems.num;

import java.util.LinkedHashMap;
import java.util.Map;
import vernier.client.Parameters;
import vernier.v1.ParamValue;
import vernier.v1.StudySpec;

/**
 * Three conditional HPO-shaped problems of our own (bench/src/main/python/optuna_shifted.py defines
 * them identically for Optuna), each with one categorical parent whose choice decides which
 * children exist, a per-choice offset (so the parent matters), and interactions between the shared
 * parameters and the choice. All are minimised with optimum 0:
 *
 * <ul>
 *   <li>cond-optimizer: which optimizer, its learning rate (whose best depends on the optimizer),
 *       weight decay, and the optimizer's own knob (momentum, beta1 or rho). Optimum: adam, lr
 *       1e-3, weight decay 1e-4, beta1 0.9.
 *   <li>cond-arch: which model family (mlp, cnn, transformer), learning rate and dropout (their
 *       best depends on the family) and the family's shape parameters (integers and log-scale
 *       integers). Optimum: transformer, depth 6, heads 8, warm-up 0.1, lr 5e-4, dropout 0.1.
 *   <li>cond-schedule: which learning-rate schedule, a learning rate whose best grows with the
 *       square root of the batch size (the linear-scaling folklore, softened) and the schedule's
 *       own parameters. Optimum: cosine, batch 256, lr 0.1, warm-up 0.05, min ratio 1e-2.
 * </ul>
 */
final class ConditionalProblems {

  private ConditionalProblems() {}

  static Map<String, Problems.Problem> all() {
    Map<String, Problems.Problem> p = new LinkedHashMap<>();
    p.put("cond-optimizer", new Problems.Problem(optimizerSpace(), ConditionalProblems::optimizer));
    p.put("cond-arch", new Problems.Problem(archSpace(), ConditionalProblems::arch));
    p.put("cond-schedule", new Problems.Problem(scheduleSpace(), ConditionalProblems::schedule));
    return p;
  }

  private static StudySpec.Builder optimizerSpace() {
    return StudySpec.newBuilder()
        .addParameters(Parameters.choice("optimizer", "adam", "sgd", "rmsprop"))
        .addParameters(Parameters.logFloat("lr", 1e-5, 1.0))
        .addParameters(Parameters.logFloat("weight_decay", 1e-6, 1e-1))
        .addParameters(
            Parameters.when(Parameters.floating("momentum", 0, 0.99), "optimizer", "sgd"))
        .addParameters(
            Parameters.when(Parameters.floating("beta1", 0.5, 0.999), "optimizer", "adam"))
        .addParameters(
            Parameters.when(Parameters.floating("rho", 0.5, 0.999), "optimizer", "rmsprop"));
  }

  private static double optimizer(Map<String, ParamValue> t) {
    String opt = t.get("optimizer").getStringValue();
    double base = Map.of("adam", 0.0, "sgd", 0.05, "rmsprop", 0.1).get(opt);
    double bestLr = Map.of("adam", 1e-3, "sgd", 3e-2, "rmsprop", 3e-4).get(opt);
    double knob =
        switch (opt) {
          case "sgd" -> 4 * sq(num(t, "momentum") - 0.9);
          case "adam" -> 8 * sq(num(t, "beta1") - 0.9);
          default -> 8 * sq(num(t, "rho") - 0.95);
        };
    return base
        + 0.5 * sq(Math.log10(num(t, "lr")) - Math.log10(bestLr))
        + 0.1 * sq(Math.log10(num(t, "weight_decay")) + 4)
        + knob;
  }

  private static StudySpec.Builder archSpace() {
    return StudySpec.newBuilder()
        .addParameters(Parameters.choice("model", "mlp", "cnn", "transformer"))
        .addParameters(Parameters.logFloat("lr", 1e-5, 1.0))
        .addParameters(Parameters.floating("dropout", 0, 0.5))
        .addParameters(Parameters.when(Parameters.integer("layers", 1, 8), "model", "mlp"))
        .addParameters(Parameters.when(Parameters.logInteger("width", 16, 1024), "model", "mlp"))
        .addParameters(Parameters.when(Parameters.integer("kernel", 1, 7), "model", "cnn"))
        .addParameters(Parameters.when(Parameters.logInteger("channels", 8, 512), "model", "cnn"))
        .addParameters(Parameters.when(Parameters.integer("depth", 1, 12), "model", "transformer"))
        .addParameters(Parameters.when(Parameters.integer("heads", 1, 16), "model", "transformer"))
        .addParameters(
            Parameters.when(Parameters.floating("warmup", 0, 0.3), "model", "transformer"));
  }

  private static double arch(Map<String, ParamValue> t) {
    String model = t.get("model").getStringValue();
    double base = Map.of("mlp", 0.3, "cnn", 0.1, "transformer", 0.0).get(model);
    double bestLr = Map.of("mlp", 1e-2, "cnn", 3e-3, "transformer", 5e-4).get(model);
    double bestDropout = Map.of("mlp", 0.2, "cnn", 0.1, "transformer", 0.1).get(model);
    double shape =
        switch (model) {
          case "mlp" -> 0.05 * sq(num(t, "layers") - 3) + 0.1 * sq(log2(num(t, "width")) - 8);
          case "cnn" -> 0.05 * sq(num(t, "kernel") - 3) + 0.1 * sq(log2(num(t, "channels")) - 6);
          default ->
              0.02 * sq(num(t, "depth") - 6)
                  + 0.02 * sq(num(t, "heads") - 8)
                  + 10 * sq(num(t, "warmup") - 0.1);
        };
    return base
        + 0.3 * sq(Math.log10(num(t, "lr")) - Math.log10(bestLr))
        + 3 * sq(num(t, "dropout") - bestDropout)
        + shape;
  }

  private static StudySpec.Builder scheduleSpace() {
    return StudySpec.newBuilder()
        .addParameters(Parameters.choice("schedule", "constant", "cosine", "step"))
        .addParameters(Parameters.logFloat("lr", 1e-4, 1.0))
        .addParameters(Parameters.logInteger("batch", 16, 1024))
        .addParameters(Parameters.when(Parameters.floating("warmup", 0, 0.3), "schedule", "cosine"))
        .addParameters(
            Parameters.when(Parameters.logFloat("min_ratio", 1e-4, 1.0), "schedule", "cosine"))
        .addParameters(Parameters.when(Parameters.integer("step_every", 1, 50), "schedule", "step"))
        .addParameters(Parameters.when(Parameters.floating("gamma", 0.1, 0.9), "schedule", "step"));
  }

  private static double schedule(Map<String, ParamValue> t) {
    String schedule = t.get("schedule").getStringValue();
    double base = Map.of("constant", 0.25, "cosine", 0.0, "step", 0.05).get(schedule);
    double factor = Map.of("constant", 0.3, "cosine", 1.0, "step", 0.5).get(schedule);
    double batch = num(t, "batch");
    double bestLr = 0.1 * Math.sqrt(batch / 256) * factor;
    double own =
        switch (schedule) {
          case "cosine" ->
              10 * sq(num(t, "warmup") - 0.05) + 0.1 * sq(Math.log10(num(t, "min_ratio")) + 2);
          case "step" -> 0.002 * sq(num(t, "step_every") - 30) + 4 * sq(num(t, "gamma") - 0.3);
          default -> 0;
        };
    return base
        + 0.5 * sq(Math.log10(num(t, "lr")) - Math.log10(bestLr))
        + 0.05 * sq(log2(batch) - 8)
        + own;
  }

  private static double sq(double x) {
    return x * x;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
