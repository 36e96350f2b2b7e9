package vernier.bench.jmh;

import java.util.ServiceLoader;
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
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SamplingContext;
import vernier.spi.Settings;
import vernier.spi.Suggestion;
import vernier.spi.testkit.SimpleStudy;

/**
 * Cost of one suggestion of any installed sampler (found by name with ServiceLoader) with {@code
 * trials} finished trials ({@link FinishedStudy}).
 *
 * <pre>
 * java -cp bench/target/classes:$(cat bench/target/classpath.txt) org.openjdk.jmh.Main SamplerAskBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class SamplerAskBenchmark {

  @Param({"gp", "cmaes", "qmc"})
  String sampler;

  @Param({"100", "500"})
  int trials;

  private Sampler instance;
  private SimpleStudy study;
  private SplittableRandom random;

  @Setup
  public void setUp() {
    random = new SplittableRandom(0);
    study = FinishedStudy.withTrials(trials, random);
    SamplerFactory factory =
        ServiceLoader.load(SamplerFactory.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(f -> f.name().equals(sampler))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no sampler named " + sampler));
    instance = factory.create(FinishedStudy.DEFINITION, Settings.empty());
  }

  @Benchmark
  public Suggestion ask() {
    return instance.suggest(study, new SamplingContext(random.split()));
  }
}
