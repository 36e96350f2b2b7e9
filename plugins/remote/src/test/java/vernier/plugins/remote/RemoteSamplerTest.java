package vernier.plugins.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vernier.plugin.v1.RemoteSamplerGrpc;
import vernier.plugin.v1.SuggestRequest;
import vernier.plugin.v1.SuggestResponse;
import vernier.spi.ParamValue;
import vernier.spi.PluginUnavailableException;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SamplingContext;
import vernier.spi.SearchSpace;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;
import vernier.spi.Suggestion;
import vernier.spi.TrialState;
import vernier.spi.Uniform;
import vernier.spi.testkit.ContractSpaces;
import vernier.spi.testkit.SamplerContractTest;
import vernier.spi.testkit.SimpleStudy;
import vernier.v1.Trial;

/**
 * The {@code remote} sampler against a real gRPC server on a TCP port, serving a plugin written
 * here the way a user would write one: it keeps each session's trials from the deltas and draws at
 * random from the contract space with the seed it is given.
 */
final class RemoteSamplerTest extends SamplerContractTest {

  private static final Plugin PLUGIN = new Plugin();
  private static Server server;

  @BeforeAll
  static void start() throws IOException {
    server =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(PLUGIN)
            .build()
            .start();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @BeforeEach
  void clear() {
    PLUGIN.reset();
  }

  @Override
  protected SamplerFactory factory() {
    return new RemoteSamplerFactory();
  }

  @Override
  protected Settings settings() {
    return Settings.of(Map.of("endpoint", "localhost:" + server.getPort()));
  }

  private Sampler sampler(StudyDefinition d) {
    return factory().create(d, settings());
  }

  private static Map<String, ParamValue> ask(
      Sampler sampler, SimpleStudy study, SplittableRandom random) {
    return ((Suggestion.Params) sampler.suggest(study, new SamplingContext(random.split())))
        .values();
  }

  @Test
  void eachCallCarriesOnlyWhatChanged() {
    StudyDefinition d = ContractSpaces.definition(ContractSpaces.mixed(), 1);
    Sampler sampler = sampler(d);
    SimpleStudy study = new SimpleStudy(d);
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 10; i++) {
      Map<String, ParamValue> p = ask(sampler, study, random);
      study.start(p).succeed("loss", i);
    }
    List<SuggestRequest> calls = PLUGIN.requests;
    assertThat(calls).hasSize(10);
    assertThat(calls.get(0).getReset()).isTrue();
    assertThat(calls.get(0).getStudy().getParametersCount())
        .isEqualTo(d.space().parameters().size());
    for (int i = 1; i < calls.size(); i++) {
      assertThat(calls.get(i).getReset()).isFalse();
      assertThat(calls.get(i).getSequence()).isEqualTo(i);
      assertThat(calls.get(i).getTrialsList())
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.getState()).isEqualTo(Trial.State.SUCCEEDED);
                assertThat(t.getValuesMap()).containsKey("loss");
              });
    }
    assertThat(PLUGIN.sessions.values()).singleElement().satisfies(s -> assertThat(s).hasSize(9));
  }

  @Test
  void aRestartedPluginGetsTheWholeHistoryAgain() {
    StudyDefinition d = ContractSpaces.definition(ContractSpaces.mixed(), 2);
    Sampler sampler = sampler(d);
    SimpleStudy study = new SimpleStudy(d);
    SplittableRandom random = new SplittableRandom(2);
    for (int i = 0; i < 5; i++) {
      study.start(ask(sampler, study, random)).succeed("loss", i);
    }
    study.start(ask(sampler, study, random)); // left running
    PLUGIN.sessions.clear(); // the plugin process restarted
    ask(sampler, study, random);
    SuggestRequest last = PLUGIN.requests.get(PLUGIN.requests.size() - 1);
    assertThat(last.getReset()).isTrue();
    assertThat(last.getTrialsList()).hasSize(6);
    assertThat(last.getTrialsList().get(5).getState()).isEqualTo(Trial.State.ACTIVE);
    assertThat(PLUGIN.requests.get(PLUGIN.requests.size() - 2).getReset())
        .isFalse(); // the one answered resync
  }

  @Test
  void invalidSuggestions_areRejectedNamingTheParameter() {
    StudyDefinition d = ContractSpaces.definition(ContractSpaces.mixed(), 3);
    Sampler sampler = sampler(d);
    PLUGIN.override =
        Map.of(
            "lr",
            vernier.v1.ParamValue.newBuilder().setDoubleValue(5).build(),
            "bogus",
            vernier.v1.ParamValue.newBuilder().setIntValue(1).build());
    assertThatThrownBy(
            () -> sampler.suggest(new SimpleStudy(d), new SamplingContext(new SplittableRandom(3))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("lr = 5.0 is not in")
        .hasMessageContaining("dropout is missing")
        .hasMessageContaining("bogus is not in the space");
  }

  @Test
  void anUnreachablePlugin_isUnavailableNotABug() {
    StudyDefinition d = ContractSpaces.definition(ContractSpaces.mixed(), 4);
    Sampler sampler =
        factory().create(d, Settings.of(Map.of("endpoint", "localhost:1", "timeout_seconds", 2.0)));
    assertThatThrownBy(
            () -> sampler.suggest(new SimpleStudy(d), new SamplingContext(new SplittableRandom(4))))
        .isInstanceOf(PluginUnavailableException.class)
        .hasMessageContaining("remote sampler at localhost:1 failed: Status{code=UNAVAILABLE");
  }

  @Test
  void badSettings_areRejectedWhenTheStudyIsCreated() {
    StudyDefinition d = ContractSpaces.definition(ContractSpaces.mixed(), 5);
    assertThatThrownBy(() -> factory().create(d, Settings.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("remote: setting endpoint must be a string, got nothing");
    assertThatThrownBy(
            () ->
                factory().create(d, Settings.of(Map.of("endpoint", "x:1", "timeout_seconds", 0.0))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("remote: setting timeout_seconds must be a number in (0, 3600], got 0");
    for (String bad : List.of("localhost", "localhost:70000", "::1:50051", "[::1]", "a b:1")) {
      assertThatThrownBy(() -> factory().create(d, Settings.of(Map.of("endpoint", bad))))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "remote: setting endpoint must be host:port or [IPv6]:port with a port up to 65535,"
                  + " got '"
                  + bad
                  + "'");
    }
  }

  @Test
  void ipv6AndNamedEndpoints_areAccepted() {
    StudyDefinition d = ContractSpaces.definition(ContractSpaces.mixed(), 5);
    for (String good :
        List.of("[::1]:50051", "[fe80::1]:1", "plugins.internal:65535", "10.0.0.7:50071")) {
      assertThat(factory().create(d, Settings.of(Map.of("endpoint", good)))).as(good).isNotNull();
    }
  }

  @Test
  void pluginSettingsAndTheStudyAreSentOnReset() {
    StudyDefinition d = ContractSpaces.definition(ContractSpaces.mixed(), 6);
    Sampler sampler =
        factory()
            .create(
                d,
                Settings.of(
                    Map.of(
                        "endpoint",
                        "localhost:" + server.getPort(),
                        "plugin_settings",
                        Map.of("sampler", "tpe", "n_startup_trials", 5.0))));
    ask(sampler, new SimpleStudy(d), new SplittableRandom(6));
    SuggestRequest first = PLUGIN.requests.get(0);
    assertThat(first.getStudy().getSettings().getFieldsMap().get("sampler").getStringValue())
        .isEqualTo("tpe");
    assertThat(first.getStudy().getSeed()).isEqualTo(6);
    assertThat(first.getStudy().getObjectives(0).getMetric()).isEqualTo(ContractSpaces.OBJECTIVE);
  }

  /** A plugin as a user writes one: sessions of trials kept from the deltas, random suggestions. */
  private static final class Plugin extends RemoteSamplerGrpc.RemoteSamplerImplBase {
    final List<SuggestRequest> requests = new ArrayList<>();
    final Map<String, Map<Long, TrialState>> sessions = new HashMap<>();
    final Map<String, Long> sequences = new HashMap<>();
    volatile Map<String, vernier.v1.ParamValue> override;

    synchronized void reset() {
      requests.clear();
      sessions.clear();
      sequences.clear();
      override = null;
    }

    @Override
    public synchronized void suggest(
        SuggestRequest request, StreamObserver<SuggestResponse> response) {
      requests.add(request);
      if (!request.getReset()
          && (!sessions.containsKey(request.getSession())
              || sequences.get(request.getSession()) != request.getSequence())) {
        response.onNext(SuggestResponse.newBuilder().setResync(true).build());
        response.onCompleted();
        return;
      }
      Map<Long, TrialState> trials =
          request.getReset() ? new HashMap<>() : sessions.get(request.getSession());
      request
          .getTrialsList()
          .forEach(t -> trials.put(t.getNumber(), TrialState.valueOf(t.getState().name())));
      sessions.put(request.getSession(), trials);
      sequences.put(request.getSession(), request.getSequence() + 1);
      vernier.plugin.v1.Suggestion.Builder s = vernier.plugin.v1.Suggestion.newBuilder();
      if (override != null) {
        s.putAllParams(override);
      } else {
        SearchSpace space = ContractSpaces.mixed();
        SplittableRandom random = new SplittableRandom(request.getRandomSeed());
        space
            .assign((p, a) -> Uniform.sample(p.domain(), random))
            .forEach((k, v) -> s.putParams(k, Wire.value(v)));
      }
      response.onNext(SuggestResponse.newBuilder().setSuggestion(s).build());
      response.onCompleted();
    }
  }
}
