package vernier.plugins.remote;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vernier.plugin.v1.RemoteSamplerGrpc;
import vernier.plugin.v1.StudyInfo;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/**
 * {@code remote}: a sampler in another process, in any language, serving {@code
 * vernier.plugin.v1.RemoteSampler} (see {@link RemoteSampler}). Studies naming the same endpoint
 * share one channel for the server's lifetime; an idle one holds no connection (it closes after
 * {@link #IDLE} without calls and reconnects on the next).
 */
public final class RemoteSamplerFactory implements SamplerFactory {

  static final SettingSpec ENDPOINT =
      SettingSpec.required(
          "endpoint",
          SettingSpec.Type.STRING,
          "host:port or [IPv6]:port of the process serving vernier.plugin.v1.RemoteSampler"
              + " (plaintext)");
  static final SettingSpec TIMEOUT =
      SettingSpec.number(
              "timeout_seconds",
              10,
              "deadline of each call; a call that fails or times out answers the worker"
                  + " UNAVAILABLE (it retries)")
          .above(0)
          .atMost(3600);
  static final SettingSpec PLUGIN_SETTINGS =
      SettingSpec.optional(
          "plugin_settings",
          SettingSpec.Type.MAP,
          "settings passed through, unchecked, to the remote sampler (StudyInfo.settings)");

  private static final Map<String, ManagedChannel> CHANNELS = new ConcurrentHashMap<>();
  private static final Duration IDLE = Duration.ofMinutes(5);
  private static final Pattern ENDPOINT_FORM =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[^\\s:\\[\\]]+):(\\d{1,5})");

  @Override
  public String name() {
    return "remote";
  }

  @Override
  public String description() {
    return "A sampler in another process, any language, over gRPC"
        + " (vernier.plugin.v1.RemoteSampler).";
  }

  @Override
  public List<SettingSpec> settings() {
    return List.of(ENDPOINT, TIMEOUT, PLUGIN_SETTINGS);
  }

  @Override
  public Sampler create(StudyDefinition study, Settings given) {
    Settings settings = given.validate(name(), settings());
    String endpoint = settings.getString(ENDPOINT);
    Matcher form = ENDPOINT_FORM.matcher(endpoint);
    if (!form.matches() || Integer.parseInt(form.group(2)) > 65535) {
      throw settings.invalid(ENDPOINT, "must be host:port or [IPv6]:port with a port up to 65535");
    }
    double timeout = settings.getDouble(TIMEOUT);
    StudyInfo.Builder info =
        StudyInfo.newBuilder()
            .setName("studies/" + study.name())
            .setSeed(study.seed())
            .setSettings(Wire.struct(settings.getSettings(PLUGIN_SETTINGS).asMap()));
    study.space().parameters().forEach(p -> info.addParameters(Wire.parameter(p)));
    study.objectives().forEach(o -> info.addObjectives(Wire.objective(o)));
    study.constraints().forEach(c -> info.addConstraints(Wire.constraint(c)));
    ManagedChannel channel =
        CHANNELS.computeIfAbsent(
            endpoint,
            e ->
                Grpc.newChannelBuilder(e, InsecureChannelCredentials.create())
                    .idleTimeout(IDLE.toMinutes(), TimeUnit.MINUTES)
                    .build());
    return new RemoteSampler(
        study,
        endpoint,
        RemoteSamplerGrpc.newBlockingStub(channel),
        (long) (timeout * 1000),
        info.build());
  }
}
