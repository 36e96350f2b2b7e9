package vernier.server.check;

import java.util.LinkedHashMap;
import java.util.Map;
import vernier.server.Protos;
import vernier.spi.FloatDomain;
import vernier.spi.ParamValue;
import vernier.spi.Parameter;
import vernier.spi.SearchSpace;

/**
 * Checks a full parameter assignment (enqueued, imported or suggested by a plugin) against a search
 * space: every active parameter present and in its domain, no inactive or unknown parameter.
 */
public final class ParamsCheck {

  private ParamsCheck() {}

  /**
   * The assignment in search-space order, with integers widened to doubles for float parameters.
   *
   * @throws vernier.server.ApiException INVALID_ARGUMENT naming {@code field[name]}
   */
  public static Map<String, ParamValue> wire(
      SearchSpace space, Map<String, vernier.v1.ParamValue> given, String field) {
    Map<String, ParamValue> values = new LinkedHashMap<>();
    given.forEach((k, v) -> values.put(k, Protos.toSpi(v)));
    Violations v = new Violations();
    Map<String, ParamValue> out = check(space, values, field, v);
    v.throwIfAny();
    return out;
  }

  /** As {@link #wire}, for SPI values; returns null and adds violations when invalid. */
  public static Map<String, ParamValue> check(
      SearchSpace space, Map<String, ParamValue> given, String field, Violations v) {
    Map<String, ParamValue> out = new LinkedHashMap<>();
    for (Parameter p : space.parameters()) {
      if (!SearchSpace.isActive(p, out)) {
        if (given.containsKey(p.name())) {
          v.add(
              field + "[" + p.name() + "]",
              "parameter is inactive: its condition on '"
                  + p.condition().orElseThrow().parent()
                  + "' does not hold");
        }
        continue;
      }
      ParamValue value = widen(p, given.get(p.name()));
      if (value == null) {
        v.add(field + "[" + p.name() + "]", "missing value for active parameter");
      } else if (!p.domain().contains(value)) {
        v.add(field + "[" + p.name() + "]", value + " is outside " + p.domain().describe());
      } else {
        out.put(p.name(), value);
      }
    }
    for (String name : given.keySet()) {
      if (space.parameter(name).isEmpty()) {
        v.add(field + "[" + name + "]", "unknown parameter");
      }
    }
    return v.isEmpty() ? out : null;
  }

  /**
   * A sampler's suggestion, checked and normalised like a user's.
   *
   * @throws vernier.server.ApiException INTERNAL naming the plugin: it broke its contract
   */
  public static Map<String, ParamValue> suggested(
      SearchSpace space, Map<String, ParamValue> suggested, String plugin) {
    Violations v = new Violations();
    Map<String, ParamValue> out = check(space, suggested, "params", v);
    if (out == null) {
      throw vernier.server.ApiException.internal(
          "sampler '" + plugin + "' suggested invalid parameters: " + v);
    }
    return out;
  }

  private static ParamValue widen(Parameter p, ParamValue value) {
    if (p.domain() instanceof FloatDomain && value instanceof ParamValue.IntValue i) {
      return ParamValue.of((double) i.value());
    }
    return value;
  }
}
