package vernier.server;

import com.google.protobuf.Duration;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.util.List;
import vernier.v1.CategoricalDomain;
import vernier.v1.Condition;
import vernier.v1.Direction;
import vernier.v1.FloatDomain;
import vernier.v1.IntDomain;
import vernier.v1.Limits;
import vernier.v1.Objective;
import vernier.v1.ParamValue;
import vernier.v1.ParameterSpec;
import vernier.v1.PluginSpec;
import vernier.v1.StudySpec;

/** Study specs used across the server tests. */
final class Specs {

  private Specs() {}

  static ParamValue str(String s) {
    return ParamValue.newBuilder().setStringValue(s).build();
  }

  static ParamValue dbl(double d) {
    return ParamValue.newBuilder().setDoubleValue(d).build();
  }

  static ParamValue integer(long i) {
    return ParamValue.newBuilder().setIntValue(i).build();
  }

  static ParameterSpec floatParam(String name, double min, double max, boolean log) {
    return ParameterSpec.newBuilder()
        .setName(name)
        .setFloatDomain(FloatDomain.newBuilder().setMin(min).setMax(max).setLogScale(log))
        .build();
  }

  static ParameterSpec intParam(String name, long min, long max) {
    return ParameterSpec.newBuilder()
        .setName(name)
        .setIntDomain(IntDomain.newBuilder().setMin(min).setMax(max))
        .build();
  }

  static ParameterSpec categorical(String name, ParamValue... choices) {
    return ParameterSpec.newBuilder()
        .setName(name)
        .setCategorical(CategoricalDomain.newBuilder().addAllChoices(List.of(choices)))
        .build();
  }

  /** lr (log float), layers (int), optimizer (adam|sgd), momentum only for sgd; minimize loss. */
  static StudySpec.Builder basic() {
    return StudySpec.newBuilder()
        .addParameters(floatParam("lr", 1e-5, 1e-1, true))
        .addParameters(intParam("layers", 1, 4))
        .addParameters(categorical("optimizer", str("adam"), str("sgd")))
        .addParameters(
            floatParam("momentum", 0, 0.99, false).toBuilder()
                .setCondition(Condition.newBuilder().setParent("optimizer").addValues(str("sgd"))))
        .addObjectives(Objective.newBuilder().setMetric("loss").setDirection(Direction.MINIMIZE))
        .setSeed(com.google.protobuf.Int64Value.of(1));
  }

  static PluginSpec plugin(String name, String key, double value) {
    return PluginSpec.newBuilder()
        .setName(name)
        .setSettings(
            Struct.newBuilder().putFields(key, Value.newBuilder().setNumberValue(value).build()))
        .build();
  }

  static Limits.Builder limits() {
    return Limits.newBuilder();
  }

  static Duration seconds(long s) {
    return Duration.newBuilder().setSeconds(s).build();
  }
}
