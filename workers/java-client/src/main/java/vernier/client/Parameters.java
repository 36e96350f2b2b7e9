package vernier.client;

import vernier.v1.CategoricalDomain;
import vernier.v1.Condition;
import vernier.v1.FloatDomain;
import vernier.v1.IntDomain;
import vernier.v1.ParamValue;
import vernier.v1.ParameterSpec;

/** Shorthands for building search spaces in code: {@code Parameters.logFloat("lr", 1e-5, 1e-1)}. */
public final class Parameters {

  private Parameters() {}

  public static ParameterSpec floating(String name, double min, double max) {
    return ParameterSpec.newBuilder()
        .setName(name)
        .setFloatDomain(FloatDomain.newBuilder().setMin(min).setMax(max))
        .build();
  }

  public static ParameterSpec logFloat(String name, double min, double max) {
    return ParameterSpec.newBuilder()
        .setName(name)
        .setFloatDomain(FloatDomain.newBuilder().setMin(min).setMax(max).setLogScale(true))
        .build();
  }

  public static ParameterSpec integer(String name, long min, long max) {
    return ParameterSpec.newBuilder()
        .setName(name)
        .setIntDomain(IntDomain.newBuilder().setMin(min).setMax(max))
        .build();
  }

  public static ParameterSpec logInteger(String name, long min, long max) {
    return ParameterSpec.newBuilder()
        .setName(name)
        .setIntDomain(IntDomain.newBuilder().setMin(min).setMax(max).setLogScale(true))
        .build();
  }

  public static ParameterSpec steppedInteger(String name, long min, long max, long step) {
    return ParameterSpec.newBuilder()
        .setName(name)
        .setIntDomain(IntDomain.newBuilder().setMin(min).setMax(max).setStep(step))
        .build();
  }

  public static ParameterSpec choice(String name, String... choices) {
    CategoricalDomain.Builder domain = CategoricalDomain.newBuilder();
    for (String c : choices) {
      domain.addChoices(string(c));
    }
    return ParameterSpec.newBuilder().setName(name).setCategorical(domain).build();
  }

  /** {@code parameter}, active only when {@code parent} took one of the string {@code values}. */
  public static ParameterSpec when(ParameterSpec parameter, String parent, String... values) {
    Condition.Builder condition = Condition.newBuilder().setParent(parent);
    for (String v : values) {
      condition.addValues(string(v));
    }
    return parameter.toBuilder().setCondition(condition).build();
  }

  public static ParamValue string(String value) {
    return ParamValue.newBuilder().setStringValue(value).build();
  }
}
