package vernier.plugins.remote;

import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import vernier.plugin.v1.RemoteSamplerGrpc;
import vernier.plugin.v1.StudyInfo;
import vernier.plugin.v1.SuggestRequest;
import vernier.plugin.v1.SuggestResponse;
import vernier.plugin.v1.TrialUpdate;
import vernier.spi.ParamValue;
import vernier.spi.Parameter;
import vernier.spi.PluginUnavailableException;
import vernier.spi.Sampler;
import vernier.spi.SamplingContext;
import vernier.spi.SearchSpace;
import vernier.spi.StudyDefinition;
import vernier.spi.StudyView;
import vernier.spi.Suggestion;
import vernier.spi.TrialState;
import vernier.spi.TrialView;

/**
 * A sampler served by another process over {@code vernier.plugin.v1.RemoteSampler}. Each call sends
 * only the trials that changed since the previous successful one; when the plugin does not know the
 * session (it restarted) or has seen a different number of calls, it answers {@code resync} and
 * gets the whole history once. What it suggests is checked against the space before it is used.
 */
final class RemoteSampler implements Sampler {

  private final StudyDefinition study;
  private final String endpoint;
  private final RemoteSamplerGrpc.RemoteSamplerBlockingStub stub;
  private final long timeoutMillis;
  private final StudyInfo info;
  private final String session = UUID.randomUUID().toString();
  private final Map<Long, TrialState> sent = new HashMap<>();
  private long calls;
  private boolean reset = true;

  RemoteSampler(
      StudyDefinition study,
      String endpoint,
      RemoteSamplerGrpc.RemoteSamplerBlockingStub stub,
      long timeoutMillis,
      StudyInfo info) {
    this.study = study;
    this.endpoint = endpoint;
    this.stub = stub;
    this.timeoutMillis = timeoutMillis;
    this.info = info;
  }

  @Override
  public Suggestion suggest(StudyView view, SamplingContext context) {
    long seed = context.random().nextLong();
    SuggestResponse response = call(view, seed);
    if (response.getResultCase() == SuggestResponse.ResultCase.RESYNC) {
      reset = true;
      response = call(view, seed);
      if (response.getResultCase() == SuggestResponse.ResultCase.RESYNC) {
        throw new IllegalStateException(
            "remote sampler at " + endpoint + " asked for a resync after a reset");
      }
    }
    return switch (response.getResultCase()) {
      case EXHAUSTED -> Suggestion.exhausted();
      case SUGGESTION -> Suggestion.of(checked(response.getSuggestion().getParamsMap()));
      default ->
          throw new IllegalStateException(
              "remote sampler at " + endpoint + " answered with no result");
    };
  }

  private SuggestResponse call(StudyView view, long seed) {
    if (reset) {
      sent.clear();
    }
    SuggestRequest.Builder request =
        SuggestRequest.newBuilder()
            .setSession(session)
            .setReset(reset)
            .setSequence(calls)
            .setRandomSeed(seed);
    if (reset) {
      request.setStudy(info);
    }
    Map<Long, TrialState> changed = new HashMap<>();
    for (TrialView t : view.trials()) {
      if (sent.get(t.number()) != t.state()) {
        request.addTrials(update(t));
        changed.put(t.number(), t.state());
      }
    }
    SuggestResponse response;
    try {
      response =
          stub.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS).suggest(request.build());
    } catch (StatusRuntimeException e) {
      // what was sent may or may not have arrived: a mismatched sequence makes the plugin resync
      throw new PluginUnavailableException(
          "remote sampler at " + endpoint + " failed: " + e.getStatus(), e);
    }
    if (response.getResultCase() != SuggestResponse.ResultCase.RESYNC) {
      sent.putAll(changed);
      calls++;
      reset = false;
    }
    return response;
  }

  private static TrialUpdate update(TrialView t) {
    TrialUpdate.Builder b =
        TrialUpdate.newBuilder()
            .setNumber(t.number())
            .setState(Wire.state(t.state()))
            .putAllValues(t.values());
    t.params().forEach((k, v) -> b.putParams(k, Wire.value(v)));
    return b.build();
  }

  /** The plugin's answer as SPI values: every active parameter, in its domain, and nothing else. */
  private Map<String, ParamValue> checked(Map<String, vernier.v1.ParamValue> given) {
    Map<String, ParamValue> values = new HashMap<>();
    given.forEach((k, v) -> values.put(k, Wire.value(v)));
    List<String> problems = new ArrayList<>();
    SearchSpace space = study.space();
    List<Parameter> active = space.activeParameters(values);
    for (Parameter p : active) {
      ParamValue v = values.get(p.name());
      ParamValue widened =
          v instanceof ParamValue.IntValue i && p.domain() instanceof vernier.spi.FloatDomain
              ? ParamValue.of((double) i.value())
              : v;
      if (widened == null) {
        problems.add(p.name() + " is missing");
      } else if (!p.domain().contains(widened)) {
        problems.add(p.name() + " = " + v + " is not in " + p.domain().describe());
      } else {
        values.put(p.name(), widened);
      }
    }
    for (String name : given.keySet()) {
      if (active.stream().noneMatch(p -> p.name().equals(name))) {
        problems.add(
            name + (space.parameter(name).isPresent() ? " is inactive" : " is not in the space"));
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "remote sampler at "
              + endpoint
              + " suggested invalid parameters: "
              + String.join("; ", problems));
    }
    return values;
  }
}
