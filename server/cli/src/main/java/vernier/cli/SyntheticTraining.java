package vernier.cli;

import static vernier.client.Parameters.choice;
import static vernier.client.Parameters.floating;
import static vernier.client.Parameters.integer;
import static vernier.client.Parameters.logFloat;
import static vernier.client.Parameters.logInteger;
import static vernier.client.Parameters.steppedInteger;
import static vernier.client.Parameters.when;

import java.util.Map;
import java.util.SplittableRandom;
import vernier.client.ActiveTrial;
import vernier.v1.Direction;
import vernier.v1.Objective;
import vernier.v1.StudySpec;

/**
 * A training-like objective with the shape of real learning curves and no data to download:
 * validation loss decays exponentially toward a floor set by capacity and regularisation, at a rate
 * set by the effective learning rate (too high diverges, too low crawls), with per-step noise.
 * Hyperparameters: lr, optimizer (momentum for sgd only), layers, units, dropout, batch size.
 */
final class SyntheticTraining implements Workload {

  private final int steps;
  private final long stepMillis;

  SyntheticTraining(int steps, long stepMillis) {
    this.steps = steps;
    this.stepMillis = stepMillis;
  }

  @Override
  public StudySpec.Builder spec() {
    return StudySpec.newBuilder()
        .addParameters(logFloat("lr", 1e-5, 1.0))
        .addParameters(choice("optimizer", "adam", "sgd"))
        .addParameters(when(floating("momentum", 0.0, 0.99), "optimizer", "sgd"))
        .addParameters(integer("layers", 1, 6))
        .addParameters(logInteger("units", 16, 512))
        .addParameters(floating("dropout", 0.0, 0.5))
        .addParameters(steppedInteger("batch_size", 16, 256, 16))
        .addObjectives(
            Objective.newBuilder().setMetric("val_loss").setDirection(Direction.MINIMIZE));
  }

  @Override
  public void train(ActiveTrial trial) throws InterruptedException {
    Curve curve = new Curve(trial);
    SplittableRandom noise = new SplittableRandom(trial.trial().getNumber() * 7919L + 17);
    double loss = Double.NaN;
    for (int step = 1;
        step <= steps;
        step++) { // steps count from 1: the last step is the number run
      Thread.sleep(stepMillis);
      loss = curve.at(step) + noise.nextGaussian() * 0.01;
      trial.report(step, Map.of("val_loss", loss));
      if (trial.shouldStop()) {
        trial.prune();
        return;
      }
    }
    trial.succeed(Map.of("val_loss", loss));
  }

  /** The noiseless learning curve of one hyperparameter setting. */
  static final class Curve {
    private final double floor;
    private final double rate;
    private final double divergence;

    Curve(ActiveTrial p) {
      boolean sgd = p.getString("optimizer").equals("sgd");
      double momentum = sgd ? p.getDouble("momentum") : 0;
      double effectiveLr = p.getDouble("lr") / (1 - momentum);
      double best = sgd ? -1.0 : -2.7; // log10 of the ideal effective learning rate
      double miss = Math.log10(effectiveLr) - best;
      double batchScale = Math.log(p.getInt("batch_size") / 64.0) / Math.log(4);
      rate = 0.02 + 0.3 * Math.exp(-miss * miss / 0.6) * (1 - 0.15 * batchScale);
      divergence = Math.max(0, miss - 1.2);
      double capacity = p.getInt("layers") * p.getInt("units");
      double dropout = p.getDouble("dropout");
      double overfit = 0.04 * Math.max(0, Math.log(capacity / 512.0)) * Math.max(0, 0.3 - dropout);
      floor =
          0.12
              + 0.9 / (1 + capacity / 128.0)
              + 0.5 * Math.pow(dropout - 0.15, 2)
              + overfit
              + (sgd ? 0.03 : 0);
    }

    double at(int step) {
      double loss = floor + (2.3 - floor) * Math.exp(-rate * step);
      return loss + divergence * divergence * 0.05 * step; // too high a rate: the loss climbs
    }
  }
}
