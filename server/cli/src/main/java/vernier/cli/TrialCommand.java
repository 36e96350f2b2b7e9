package vernier.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vernier.v1.ParamValue;
import vernier.v1.Trial;

/**
 * How a trial's parameters reach a command: {@code {name}} placeholders in the arguments, {@code
 * VERNIER_PARAM_<NAME>} environment variables, and a JSON file.
 */
final class TrialCommand {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_.-]*)}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private TrialCommand() {}

  /**
   * The arguments with {@code {param}}, {@code {trial}} (number) and {@code {attempt}} replaced. A
   * placeholder of a parameter that is inactive in this trial becomes empty; other braces stay.
   */
  static List<String> arguments(List<String> template, Trial trial, List<String> knownParams) {
    Map<String, String> values = new LinkedHashMap<>();
    trial.getParamsMap().forEach((k, v) -> values.put(k, text(v)));
    knownParams.forEach(p -> values.putIfAbsent(p, ""));
    values.putIfAbsent("trial", Long.toString(trial.getNumber()));
    values.putIfAbsent("attempt", Integer.toString(trial.getAttempt()));
    List<String> out = new ArrayList<>();
    for (String arg : template) {
      Matcher m = PLACEHOLDER.matcher(arg);
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        String value = values.get(m.group(1));
        m.appendReplacement(sb, Matcher.quoteReplacement(value == null ? m.group() : value));
      }
      m.appendTail(sb);
      out.add(sb.toString());
    }
    return out;
  }

  /**
   * Environment for the process: parameters, trial identity and where its files are; for
   * population-based training also the step to train until and the checkpoint to start from.
   */
  static Map<String, String> environment(
      Trial trial, String study, Path paramsFile, Path trialDir) {
    Map<String, String> env = new LinkedHashMap<>();
    trial.getParamsMap().forEach((k, v) -> env.put("VERNIER_PARAM_" + envName(k), text(v)));
    env.put("VERNIER_STUDY", study);
    env.put("VERNIER_TRIAL", trial.getName());
    env.put("VERNIER_TRIAL_NUMBER", Long.toString(trial.getNumber()));
    env.put("VERNIER_ATTEMPT", Integer.toString(trial.getAttempt()));
    env.put("VERNIER_PARAMS_FILE", paramsFile.toString());
    env.put("VERNIER_TRIAL_DIR", trialDir.toString());
    if (trial.getMaxStep() > 0) {
      env.put("VERNIER_MAX_STEP", Long.toString(trial.getMaxStep()));
    }
    if (trial
        .hasStartFrom()) { // population-based training: the parent's files sit beside this trial's
      long parent = trial.getStartFrom().getTrial();
      env.put("VERNIER_START_FROM_TRIAL", Long.toString(parent));
      env.put("VERNIER_START_FROM_STEP", Long.toString(trial.getStartFrom().getStep()));
      env.put("VERNIER_START_FROM_DIR", trialDir.resolveSibling("trial-" + parent).toString());
    }
    return env;
  }

  /** Writes {@code {"lr": 0.01, "layers": 3, "optimizer": "adam"}} to {@code file}. */
  static void writeParams(Trial trial, Path file) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    trial
        .getParamsMap()
        .forEach(
            (k, v) ->
                json.put(
                    k,
                    switch (v.getKindCase()) {
                      case DOUBLE_VALUE -> v.getDoubleValue();
                      case INT_VALUE -> v.getIntValue();
                      case STRING_VALUE -> v.getStringValue();
                      case BOOL_VALUE -> v.getBoolValue();
                      case KIND_NOT_SET -> null;
                    }));
    Files.createDirectories(file.getParent());
    JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), json);
  }

  static String envName(String param) {
    return param.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  static String text(ParamValue v) {
    return switch (v.getKindCase()) {
      case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
      case INT_VALUE -> Long.toString(v.getIntValue());
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case KIND_NOT_SET -> "";
    };
  }
}
