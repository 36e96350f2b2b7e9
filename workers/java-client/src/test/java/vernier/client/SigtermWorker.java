package vernier.client;

/**
 * A worker process for {@link SweepTest}: runs a sweep whose trials train until the process is
 * stopped.
 */
public final class SigtermWorker {

  private SigtermWorker() {}

  public static void main(String[] args) throws Exception {
    try (VernierClient client = VernierClient.connect(args[0])) {
      client.run(
          args[1],
          "sigterm-worker",
          2,
          trial -> {
            while (true) {
              Thread.sleep(50); // "training" until SIGTERM
            }
          });
    }
  }
}
