package vernier.plugins.remote;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import vernier.plugin.v1.RemoteSamplerGrpc;
import vernier.plugin.v1.StudyInfo;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/**
 * {@code remote}: a sampler in another process, in any language, serving
 * {@code vernier.plugin.v1.RemoteSampler} (see {@link RemoteSampler}). Studies naming the same
 * endpoint share one channel.
 */
public final class RemoteSamplerFactory implements SamplerFactory {

  static final SettingSpec ENDPOINT = SettingSpec.string("endpoint", null,
      "host:port of the process serving vernier.plugin.v1.RemoteSampler (required; plaintext)");
  static final SettingSpec TIMEOUT = SettingSpec.number("timeout_seconds", 10,
      "deadline of each call; a call that fails or times out answers the worker UNAVAILABLE (it retries)");
  static final SettingSpec PLUGIN_SETTINGS = new SettingSpec("plugin_settings", SettingSpec.Type.MAP, null,
      "settings passed through, unchecked, to the remote sampler (StudyInfo.settings)");

  private static final Map<String, ManagedChannel> CHANNELS = new ConcurrentHashMap<>();

  @Override
  public String name() {
    return "remote";
  }

  @Override
  public String description() {
    return "A sampler in another process, any language, over gRPC (vernier.plugin.v1.RemoteSampler).";
  }

  @Override
  public List<SettingSpec> settings() {
    return List.of(ENDPOINT, TIMEOUT, PLUGIN_SETTINGS);
  }

  @Override
  public Sampler create(StudyDefinition study, Settings settings) {
    String endpoint = settings.getString(ENDPOINT.name(), "");
    if (!endpoint.matches("[^\\s:]+:\\d{1,5}")) {
      throw new IllegalArgumentException("setting 'endpoint' of remote must be host:port, got '" + endpoint + "'");
    }
    double timeout = settings.getDouble(TIMEOUT.name(), 10);
    if (!(timeout > 0 && timeout <= 3600)) {
      throw new IllegalArgumentException("setting 'timeout_seconds' of remote must be in (0, 3600], got " + timeout);
    }
    StudyInfo.Builder info = StudyInfo.newBuilder().setName("studies/" + study.name()).setSeed(study.seed())
        .setSettings(Wire.struct(settings.getSettings(PLUGIN_SETTINGS.name()).asMap()));
    study.space().parameters().forEach(p -> info.addParameters(Wire.parameter(p)));
    study.objectives().forEach(o -> info.addObjectives(Wire.objective(o)));
    study.constraints().forEach(c -> info.addConstraints(Wire.constraint(c)));
    ManagedChannel channel = CHANNELS.computeIfAbsent(endpoint,
        e -> Grpc.newChannelBuilder(e, InsecureChannelCredentials.create()).build());
    return new RemoteSampler(study, endpoint, RemoteSamplerGrpc.newBlockingStub(channel), (long) (timeout * 1000),
        info.build());
  }
}
