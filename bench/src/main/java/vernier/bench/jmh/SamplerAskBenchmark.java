package vernier.bench.jmh;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import vernier.spi.Constraint;
import vernier.spi.Direction;
import vernier.spi.FloatDomain;
import vernier.spi.Objective;
import vernier.spi.ParamValue;
import vernier.spi.Parameter;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SamplingContext;
import vernier.spi.SearchSpace;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;
import vernier.spi.Suggestion;
import vernier.spi.testkit.SimpleStudy;

/**
 * Cost of one suggestion of any installed sampler (found by name with ServiceLoader) with
 * {@code trials} finished trials at random points of 5 float parameters, the sphere as objective.
 *
 * <pre>java -cp bench/target/classes:$(cat bench/target/classpath.txt) org.openjdk.jmh.Main SamplerAskBenchmark</pre>
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
    Parameter[] params = new Parameter[5];
    for (int i = 0; i < 5; i++) {
      params[i] = Parameter.of("x" + i, FloatDomain.continuous(0, 1));
    }
    StudyDefinition d = new StudyDefinition("bench", SearchSpace.of(params),
        List.of(new Objective("loss", Direction.MINIMIZE)), List.<Constraint>of(), 0);
    study = new SimpleStudy(d);
    random = new SplittableRandom(0);
    for (int t = 0; t < trials; t++) {
      Map<String, ParamValue> p = new LinkedHashMap<>();
      double loss = 0;
      for (int i = 0; i < 5; i++) {
        double x = random.nextDouble();
        p.put("x" + i, ParamValue.of(x));
        loss += (x - 0.3) * (x - 0.3);
      }
      study.start(p).succeed("loss", loss);
    }
    SamplerFactory factory = ServiceLoader.load(SamplerFactory.class).stream().map(ServiceLoader.Provider::get)
        .filter(f -> f.name().equals(sampler)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no sampler named " + sampler));
    instance = factory.create(d, Settings.empty());
  }

  @Benchmark
  public Suggestion ask() {
    return instance.suggest(study, new SamplingContext(random.split()));
  }
}
