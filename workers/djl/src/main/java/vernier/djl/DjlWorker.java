package vernier.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import vernier.client.ClientTls;
import vernier.client.SweepSummary;
import vernier.client.VernierClient;
import vernier.v1.GetStudyRequest;

/**
 * The DJL reference worker: asks a study for trials and trains each with Deep Java Library
 * (PyTorch), one trial per GPU when there are GPUs, else {@code --parallel} on the CPU.
 */
@Command(
    name = "djl-worker",
    mixinStandardHelpOptions = true,
    description =
        "Train Vernier trials with DJL: text classification or a character language model.")
public final class DjlWorker implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(DjlWorker.class);

  @Option(
      names = {"-s", "--server"},
      defaultValue = "${env:VERNIER_SERVER:-127.0.0.1:7070}",
      description =
          "Server address host:port (default: ${DEFAULT-VALUE}, from VERNIER_SERVER when set).")
  String server;

  @Option(
      names = "--tls-ca",
      paramLabel = "FILE",
      defaultValue = "${env:VERNIER_TLS_CA}",
      description = "Connect over TLS trusting this CA (PEM) (default: VERNIER_TLS_CA).")
  Path tlsCa;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      defaultValue = "${env:VERNIER_TLS_CERT}",
      description = "Client certificate (PEM) for mutual TLS (default: VERNIER_TLS_CERT).")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      defaultValue = "${env:VERNIER_TLS_KEY}",
      description = "The key of --tls-cert (PKCS#8 PEM) (default: VERNIER_TLS_KEY).")
  Path tlsKey;

  @Option(
      names = "--study",
      required = true,
      description = "The study to fill; it must optimise metrics the task reports.")
  String study;

  @Option(
      names = "--task",
      defaultValue = "text",
      description = "text or lm (default: ${DEFAULT-VALUE}).")
  String task;

  @Option(
      names = "--train",
      description =
          "Training data: TSV label<TAB>text (text) or plain text (lm). Default: built-in.")
  Path train;

  @Option(names = "--valid", description = "Validation data, same format as --train.")
  Path valid;

  @Option(
      names = "--max-length",
      defaultValue = "16",
      description = "Tokens kept per text example (default: ${DEFAULT-VALUE}).")
  int maxLength;

  @Option(
      names = "--device",
      defaultValue = "auto",
      description = "auto, cpu or gpu (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(
      names = "--parallel",
      defaultValue = "0",
      description = "Trials at once; 0: one per GPU, else 1 (default: ${DEFAULT-VALUE}).")
  int parallel;

  @Option(
      names = "--checkpoints",
      defaultValue = "vernier-checkpoints",
      description = "Checkpoint root directory (default: ${DEFAULT-VALUE}).")
  Path checkpoints;

  @Option(
      names = "--max-steps",
      defaultValue = "300",
      description =
          "Steps (and the learning-rate schedule's length) when the study does not tune max_steps;"
              + " a trial's max_step (population-based training) decides when it stops (default:"
              + " ${DEFAULT-VALUE}).")
  int maxSteps;

  @Option(
      names = "--eval-every",
      defaultValue = "25",
      description = "Steps between evaluations and checkpoints (default: ${DEFAULT-VALUE}).")
  int evalEvery;

  @Option(
      names = "--report-every",
      defaultValue = "5",
      description = "Steps between train_loss reports (default: ${DEFAULT-VALUE}).")
  int reportEvery;

  @Option(
      names = "--worker-id",
      description = "Worker id the server records on its trials (default: pid-host).")
  String workerId;

  @Option(
      names = "--gpu-index",
      defaultValue = "-1",
      hidden = true,
      description = "Train on this GPU only (set on the child processes of a multi-GPU worker).")
  int gpuIndex;

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    System.exit(new CommandLine(new DjlWorker()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Devices devices =
        gpuIndex >= 0
            ? new Devices(new Device[] {Device.gpu(gpuIndex)})
            : Devices.choose(device, parallel);
    log.info("device: {}", devices.describe());
    if (devices.count() > 1 && devices.devices()[0].isGpu()) {
      return onePerGpu(devices);
    }
    Task chosen = task(task, train, valid, maxLength);
    String name = study.startsWith("studies/") ? study : "studies/" + study;
    String id =
        workerId != null
            ? workerId
            : ManagementFactory.getRuntimeMXBean().getName().replace('@', '-');
    try (VernierClient client = connect()) {
      StudyFit.check(
          client.studies().getStudy(GetStudyRequest.newBuilder().setName(name).build()), chosen);
      TrialTrainer trainer =
          new TrialTrainer(
              chosen,
              client,
              checkpoints,
              new TrialTrainer.Settings(maxSteps, evalEvery, reportEvery));
      SweepSummary summary =
          client.run(
              name,
              id,
              devices.count(),
              trial -> {
                return trainer.train(trial, devices.forThread());
              });
      log.info("done: {}", summary);
    }
    return 0;
  }

  private static void addIfSet(List<String> command, String flag, Path value) {
    if (value != null) {
      command.addAll(List.of(flag, value.toString()));
    }
  }

  /** Over TLS when a TLS flag (or its variable) is given, else as VERNIER_TLS=1 says. */
  private VernierClient connect() {
    return tlsCa == null && tlsCert == null && tlsKey == null
        ? VernierClient.connect(server)
        : VernierClient.connect(server, ClientTls.credentials(tlsCa, tlsCert, tlsKey));
  }

  /**
   * DJL's PyTorch engine trains one step at a time per process, so several GPUs get one worker
   * process each (same options, plus {@code --gpu-index}); this process waits for them.
   */
  private int onePerGpu(Devices devices) throws Exception {
    List<Process> children = new ArrayList<>();
    for (int i = 0; i < devices.count(); i++) {
      List<String> command =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Dai.djl.offline=true",
                  "-cp",
                  System.getProperty("java.class.path"),
                  DjlWorker.class.getName(),
                  "--server",
                  server,
                  "--study",
                  study,
                  "--task",
                  task,
                  "--max-length",
                  Integer.toString(maxLength),
                  "--checkpoints",
                  checkpoints.toString(),
                  "--max-steps",
                  Integer.toString(maxSteps),
                  "--eval-every",
                  Integer.toString(evalEvery),
                  "--report-every",
                  Integer.toString(reportEvery),
                  "--gpu-index",
                  Integer.toString(devices.devices()[i].getDeviceId())));
      String logLevel = System.getProperty("vernier.log.level");
      if (logLevel != null) {
        command.add(1, "-Dvernier.log.level=" + logLevel); // this process's --log-level, if any
      }
      if (train != null) {
        command.addAll(List.of("--train", train.toString(), "--valid", valid.toString()));
      }
      if (workerId != null) {
        command.addAll(List.of("--worker-id", workerId + "-" + i));
      }
      addIfSet(command, "--tls-ca", tlsCa);
      addIfSet(command, "--tls-cert", tlsCert);
      addIfSet(command, "--tls-key", tlsKey);
      children.add(new ProcessBuilder(command).inheritIO().start());
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> children.forEach(Process::destroy)));
    int worst = 0;
    for (Process p : children) {
      worst = Math.max(worst, p.waitFor());
    }
    return worst;
  }

  static Task task(String name, Path train, Path valid, int maxLength) throws java.io.IOException {
    if ((train == null) != (valid == null)) {
      throw new CommandLine.ParameterException(
          new CommandLine(new DjlWorker()), "give both --train and --valid");
    }
    return switch (name) {
      case "text" ->
          new TextTask(
              train == null ? TextData.builtIn(maxLength) : TextData.load(train, valid, maxLength),
              maxLength);
      case "lm" ->
          new LanguageModelTask(train == null ? CharData.builtIn() : CharData.load(train, valid));
      default ->
          throw new IllegalArgumentException("--task must be text or lm, got '" + name + "'");
    };
  }

  /** Which devices trials run on: every GPU once, or the CPU {@code parallel} times. */
  record Devices(Device[] devices, AtomicInteger handedOut, ThreadLocal<Device> perThread) {

    Devices(Device[] devices) {
      this(devices, new AtomicInteger(), new ThreadLocal<>());
    }

    static Devices choose(String mode, int parallel) {
      int gpus = Engine.getInstance().getGpuCount();
      boolean gpu =
          switch (mode) {
            case "gpu" -> {
              if (gpus == 0) {
                throw new IllegalStateException("--device gpu, but the PyTorch engine sees no GPU");
              }
              yield true;
            }
            case "cpu" -> false;
            case "auto" -> gpus > 0;
            default ->
                throw new IllegalArgumentException(
                    "--device must be auto, cpu or gpu, got '" + mode + "'");
          };
      int n = parallel > 0 ? parallel : gpu ? gpus : 1;
      Device[] out = new Device[n];
      for (int i = 0; i < n; i++) {
        out[i] = gpu ? Device.gpu(i % gpus) : Device.cpu();
      }
      return new Devices(out);
    }

    int count() {
      return devices.length;
    }

    /** The device of the calling worker thread: each thread gets the next one, once. */
    Device forThread() {
      Device d = perThread.get();
      if (d == null) {
        d = devices[handedOut.getAndIncrement() % devices.length];
        perThread.set(d);
      }
      return d;
    }

    String describe() {
      return devices.length
          + " x "
          + devices[0]
          + " (GPUs visible to PyTorch: "
          + Engine.getInstance().getGpuCount()
          + ")";
    }
  }
}
