package vernier.bench.jmh;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import vernier.plugins.tpe.TpeSamplerFactory;
import vernier.spi.Sampler;
import vernier.spi.SamplingContext;
import vernier.spi.Settings;
import vernier.spi.Suggestion;
import vernier.spi.testkit.SimpleStudy;

/**
 * Cost of one TPE suggestion with {@code trials} finished trials over 5 float parameters (the
 * setting of Optuna's figure: ~53 ms at 1,000 trials on this machine), without and with two
 * constraints (c-TPE).
 *
 * <pre>
 * java -cp bench/target/classes:$(cat bench/target/classpath.txt) org.openjdk.jmh.Main TpeAskBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TpeAskBenchmark {

  @Param({"1000", "10000"})
  int trials;

  @Param({"true", "false"})
  boolean multivariate;

  /** Constraints on the study: each adds a c-TPE density ratio. */
  @Param({"0", "2"})
  int constraints;

  private Sampler sampler;
  private SimpleStudy study;
  private SplittableRandom random;

  @Setup
  public void setUp() {
    random = new SplittableRandom(0);
    study = FinishedStudy.withTrials(FinishedStudy.definition(constraints), trials, random);
    sampler =
        new TpeSamplerFactory()
            .create(study.definition(), Settings.of(Map.of("multivariate", multivariate)));
  }

  @Benchmark
  public Suggestion ask() {
    return sampler.suggest(study, new SamplingContext(random.split()));
  }
}
