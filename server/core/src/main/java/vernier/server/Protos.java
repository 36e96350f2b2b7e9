package vernier.server;

import com.google.protobuf.Duration;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vernier.spi.TrialState;
import vernier.v1.ParamValue;
import vernier.v1.Trial;

/** Conversions between the wire types of {@code vernier.v1} and the SPI's types. */
public final class Protos {

  private Protos() {}

  /** The SPI value of a wire value; null when no kind is set. */
  public static vernier.spi.ParamValue toSpi(ParamValue value) {
    return switch (value.getKindCase()) {
      case DOUBLE_VALUE -> vernier.spi.ParamValue.of(value.getDoubleValue());
      case INT_VALUE -> vernier.spi.ParamValue.of(value.getIntValue());
      case STRING_VALUE -> vernier.spi.ParamValue.of(value.getStringValue());
      case BOOL_VALUE -> vernier.spi.ParamValue.of(value.getBoolValue());
      case KIND_NOT_SET -> null;
    };
  }

  public static ParamValue toProto(vernier.spi.ParamValue value) {
    ParamValue.Builder b = ParamValue.newBuilder();
    if (value instanceof vernier.spi.ParamValue.DoubleValue d) {
      b.setDoubleValue(d.value());
    } else if (value instanceof vernier.spi.ParamValue.IntValue i) {
      b.setIntValue(i.value());
    } else if (value instanceof vernier.spi.ParamValue.StringValue s) {
      b.setStringValue(s.value());
    } else {
      b.setBoolValue(((vernier.spi.ParamValue.BoolValue) value).value());
    }
    return b.build();
  }

  public static Map<String, ParamValue> toProto(Map<String, vernier.spi.ParamValue> params) {
    Map<String, ParamValue> out = new LinkedHashMap<>();
    params.forEach((k, v) -> out.put(k, toProto(v)));
    return out;
  }

  public static TrialState toSpi(Trial.State state) {
    return TrialState.valueOf(state.name());
  }

  public static Trial.State toProto(TrialState state) {
    return Trial.State.valueOf(state.name());
  }

  public static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  public static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  public static Duration duration(java.time.Duration d) {
    return Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
  }

  public static java.time.Duration duration(Duration d) {
    return java.time.Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }

  /** Plugin settings as plain Java values: numbers as Double, strings, booleans, lists and maps. */
  public static Map<String, Object> toJava(Struct struct) {
    Map<String, Object> out = new LinkedHashMap<>();
    struct
        .getFieldsMap()
        .forEach(
            (k, v) -> {
              Object java = toJava(v);
              if (java != null) {
                out.put(k, java);
              }
            });
    return out;
  }

  private static Object toJava(Value v) {
    return switch (v.getKindCase()) {
      case NUMBER_VALUE -> v.getNumberValue();
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> v.getBoolValue();
      case LIST_VALUE -> toJava(v.getListValue());
      case STRUCT_VALUE -> toJava(v.getStructValue());
      case NULL_VALUE, KIND_NOT_SET -> null;
    };
  }

  private static List<Object> toJava(ListValue list) {
    List<Object> out = new ArrayList<>();
    list.getValuesList().forEach(v -> out.add(toJava(v)));
    return out;
  }

  /** {@code studies/{id}} */
  public static String studyName(String id) {
    return "studies/" + id;
  }

  /** {@code studies/{id}/trials/{number}} */
  public static String trialName(String studyId, long number) {
    return "studies/" + studyId + "/trials/" + number;
  }
}
