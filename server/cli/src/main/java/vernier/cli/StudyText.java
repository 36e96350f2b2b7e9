package vernier.cli;

import com.google.protobuf.Value;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import vernier.v1.Constraint;
import vernier.v1.Limits;
import vernier.v1.ParameterSpec;
import vernier.v1.PluginSpec;
import vernier.v1.Study;
import vernier.v1.StudySpec;

/**
 * A study as people read it ({@code vernier study show}): every part of its spec, parameters one
 * per line with their domains, nothing dropped for holding a default value.
 */
final class StudyText {

  private StudyText() {}

  static void print(PrintWriter out, Study s) {
    StudySpec spec = s.getSpec();
    List<String[]> fields = new ArrayList<>();
    fields.add(new String[] {"state", s.getState() + (s.getDone() ? " (done)" : "")});
    if (!spec.getDisplayName().isEmpty()) {
      fields.add(new String[] {"name", spec.getDisplayName()});
    }
    if (s.hasCreateTime()) {
      fields.add(new String[] {"created", Timestamps.toString(s.getCreateTime())});
    }
    fields.add(new String[] {"trials", StudyCommand.counts(s.getTrialCounts())});
    fields.add(
        new String[] {
          "objectives",
          spec.getObjectivesList().stream()
              .map(o -> o.getDirection().name().toLowerCase(Locale.ROOT) + " " + o.getMetric())
              .collect(Collectors.joining(", "))
        });
    fields.add(
        new String[] {
          "constraints",
          spec.getConstraintsCount() == 0
              ? "none"
              : spec.getConstraintsList().stream()
                  .map(StudyText::constraint)
                  .collect(Collectors.joining(", "))
        });
    fields.add(
        new String[] {
          "sampler",
          plugin(spec.getSampler(), "auto")
              + (s.getSamplerDescription().isEmpty() ? "" : "; " + s.getSamplerDescription())
        });
    fields.add(new String[] {"pruner", plugin(spec.getPruner(), "none")});
    fields.add(new String[] {"limits", limits(spec.getLimits())});
    fields.add(
        new String[] {
          "seed", spec.hasSeed() ? Long.toString(spec.getSeed().getValue()) : "none (random)"
        });
    if (spec.getLabelsCount() > 0) {
      fields.add(
          new String[] {
            "labels",
            spec.getLabelsMap().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "))
          });
    }
    out.println(s.getName());
    for (String[] f : fields) {
      out.printf("  %-12s %s%n", f[0] + ":", f[1]);
    }
    out.println("  parameters:");
    Rows params = new Rows(List.of("NAME", "TYPE", "DOMAIN", "SCALE", "CONDITION"));
    for (ParameterSpec p : spec.getParametersList()) {
      params.add(parameter(p));
    }
    OutputOptions.printTable(out, params, "    ");
  }

  static List<String> parameter(ParameterSpec p) {
    String condition =
        p.hasCondition()
            ? "if "
                + p.getCondition().getParent()
                + " in {"
                + p.getCondition().getValuesList().stream()
                    .map(CommandLineFormat::value)
                    .collect(Collectors.joining(", "))
                + "}"
            : "";
    return switch (p.getDomainCase()) {
      case FLOAT_DOMAIN -> {
        var d = p.getFloatDomain();
        yield List.of(
            p.getName(),
            "float",
            "["
                + number(d.getMin())
                + ", "
                + number(d.getMax())
                + "]"
                + (d.getStep() > 0 ? " step " + number(d.getStep()) : ""),
            d.getLogScale() ? "log" : "linear",
            condition);
      }
      case INT_DOMAIN -> {
        var d = p.getIntDomain();
        yield List.of(
            p.getName(),
            "int",
            "["
                + d.getMin()
                + ", "
                + d.getMax()
                + "]"
                + (d.getStep() > 1 ? " step " + d.getStep() : ""),
            d.getLogScale() ? "log" : "linear",
            condition);
      }
      case CATEGORICAL ->
          List.of(
              p.getName(),
              "categorical",
              "{"
                  + p.getCategorical().getChoicesList().stream()
                      .map(CommandLineFormat::value)
                      .collect(Collectors.joining(", "))
                  + "}",
              "-",
              condition);
      case DOMAIN_NOT_SET -> List.of(p.getName(), "?", "?", "-", condition);
    };
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%.6g", v).replaceAll("\\.?0+(e|$)", "$1");
  }

  private static String constraint(Constraint c) {
    String lower = c.hasLowerBound() ? number(c.getLowerBound().getValue()) + " <= " : "";
    String upper = c.hasUpperBound() ? " <= " + number(c.getUpperBound().getValue()) : "";
    return lower + c.getMetric() + upper;
  }

  private static String plugin(PluginSpec p, String defaultName) {
    String name = p.getName().isEmpty() ? defaultName + " (default)" : p.getName();
    if (!p.hasSettings() || p.getSettings().getFieldsCount() == 0) {
      return name + " (default settings)";
    }
    return name + " " + value(Value.newBuilder().setStructValue(p.getSettings()).build());
  }

  /** A setting as written in YAML's flow style: numbers without a needless ".0". */
  private static String value(Value v) {
    return switch (v.getKindCase()) {
      case NUMBER_VALUE -> number(v.getNumberValue());
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case LIST_VALUE ->
          v.getListValue().getValuesList().stream()
              .map(StudyText::value)
              .collect(Collectors.joining(", ", "[", "]"));
      case STRUCT_VALUE ->
          v.getStructValue().getFieldsMap().entrySet().stream()
              .map(e -> e.getKey() + ": " + value(e.getValue()))
              .collect(Collectors.joining(", ", "{", "}"));
      case NULL_VALUE, KIND_NOT_SET -> "null";
    };
  }

  private static String limits(Limits l) {
    return "max_trials "
        + unlimited(l.getMaxTrials())
        + ", max_parallel "
        + unlimited(l.getMaxParallel())
        + ", max_failed "
        + unlimited(l.getMaxFailed())
        + ", max_attempts "
        + (l.getMaxAttempts() == 0 ? "server default" : Integer.toString(l.getMaxAttempts()))
        + ", lease "
        + (l.hasLeaseDuration() ? Durations.toString(l.getLeaseDuration()) : "server default");
  }

  private static String unlimited(int n) {
    return n == 0 ? "unlimited" : Integer.toString(n);
  }
}
