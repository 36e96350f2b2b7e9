package vernier.plugins.remote;

import com.google.protobuf.DoubleValue;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.util.List;
import java.util.Map;
import vernier.spi.CategoricalDomain;
import vernier.spi.Constraint;
import vernier.spi.Direction;
import vernier.spi.FloatDomain;
import vernier.spi.IntDomain;
import vernier.spi.Objective;
import vernier.spi.ParamValue;
import vernier.spi.Parameter;
import vernier.spi.TrialState;
import vernier.v1.Trial;

/** The SPI's study model in the wire form of vernier.v1 (what a remote sampler receives). */
final class Wire {

  private Wire() {}

  static vernier.v1.ParameterSpec parameter(Parameter p) {
    vernier.v1.ParameterSpec.Builder b = vernier.v1.ParameterSpec.newBuilder().setName(p.name());
    if (p.domain() instanceof FloatDomain f) {
      b.setFloatDomain(
          vernier.v1.FloatDomain.newBuilder()
              .setMin(f.min())
              .setMax(f.max())
              .setLogScale(f.log())
              .setStep(f.step()));
    } else if (p.domain() instanceof IntDomain i) {
      b.setIntDomain(
          vernier.v1.IntDomain.newBuilder()
              .setMin(i.min())
              .setMax(i.max())
              .setLogScale(i.log())
              .setStep(i.step()));
    } else {
      vernier.v1.CategoricalDomain.Builder c = vernier.v1.CategoricalDomain.newBuilder();
      ((CategoricalDomain) p.domain()).choices().forEach(v -> c.addChoices(value(v)));
      b.setCategorical(c);
    }
    p.condition()
        .ifPresent(
            c -> {
              vernier.v1.Condition.Builder cb =
                  vernier.v1.Condition.newBuilder().setParent(c.parent());
              c.values().forEach(v -> cb.addValues(value(v)));
              b.setCondition(cb);
            });
    return b.build();
  }

  static vernier.v1.Objective objective(Objective o) {
    return vernier.v1.Objective.newBuilder()
        .setMetric(o.metric())
        .setDirection(
            o.direction() == Direction.MINIMIZE
                ? vernier.v1.Direction.MINIMIZE
                : vernier.v1.Direction.MAXIMIZE)
        .build();
  }

  static vernier.v1.Constraint constraint(Constraint c) {
    vernier.v1.Constraint.Builder b = vernier.v1.Constraint.newBuilder().setMetric(c.metric());
    if (c.lower() != Double.NEGATIVE_INFINITY) {
      b.setLowerBound(DoubleValue.of(c.lower()));
    }
    if (c.upper() != Double.POSITIVE_INFINITY) {
      b.setUpperBound(DoubleValue.of(c.upper()));
    }
    return b.build();
  }

  static vernier.v1.ParamValue value(ParamValue v) {
    vernier.v1.ParamValue.Builder b = vernier.v1.ParamValue.newBuilder();
    if (v instanceof ParamValue.DoubleValue d) {
      b.setDoubleValue(d.value());
    } else if (v instanceof ParamValue.IntValue i) {
      b.setIntValue(i.value());
    } else if (v instanceof ParamValue.StringValue s) {
      b.setStringValue(s.value());
    } else {
      b.setBoolValue(((ParamValue.BoolValue) v).value());
    }
    return b.build();
  }

  /** A value from the plugin, or null when it has none of the four kinds. */
  static ParamValue value(vernier.v1.ParamValue v) {
    return switch (v.getKindCase()) {
      case DOUBLE_VALUE -> ParamValue.of(v.getDoubleValue());
      case INT_VALUE -> ParamValue.of(v.getIntValue());
      case STRING_VALUE -> ParamValue.of(v.getStringValue());
      case BOOL_VALUE -> ParamValue.of(v.getBoolValue());
      case KIND_NOT_SET -> null;
    };
  }

  static Trial.State state(TrialState state) {
    return Trial.State.valueOf(state.name());
  }

  /** Settings as a protobuf Struct: numbers, strings, booleans, lists and nested maps. */
  static Struct struct(Map<String, ?> map) {
    Struct.Builder b = Struct.newBuilder();
    map.forEach((k, v) -> b.putFields(k, structValue(v)));
    return b.build();
  }

  @SuppressWarnings("unchecked")
  private static Value structValue(Object v) {
    if (v instanceof Number n) {
      return Value.newBuilder().setNumberValue(n.doubleValue()).build();
    }
    if (v instanceof String s) {
      return Value.newBuilder().setStringValue(s).build();
    }
    if (v instanceof Boolean bool) {
      return Value.newBuilder().setBoolValue(bool).build();
    }
    if (v instanceof List<?> list) {
      ListValue.Builder l = ListValue.newBuilder();
      list.forEach(e -> l.addValues(structValue(e)));
      return Value.newBuilder().setListValue(l).build();
    }
    if (v instanceof Map<?, ?> m) {
      return Value.newBuilder().setStructValue(struct((Map<String, ?>) m)).build();
    }
    return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
  }
}
