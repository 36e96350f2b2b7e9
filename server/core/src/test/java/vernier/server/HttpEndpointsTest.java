package vernier.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP side: health, readiness, metrics formats, gzip, and many idle connections. */
final class HttpEndpointsTest {

  private final TestServer t =
      new TestServer(new ServerConfig("127.0.0.1", 0, 0, ServerConfig.MEMORY, null));
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void stop() {
    t.close();
  }

  @Test
  void idleConnectionsThatNeverFinishARequest_doNotBlockScrapes() throws Exception {
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < 50; i++) {
        Socket s = new Socket("127.0.0.1", t.server.httpPort());
        OutputStream out = s.getOutputStream();
        out.write(
            "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush(); // and never the blank line that ends the headers
        idle.add(s);
      }
      for (int i = 0; i < 3; i++) {
        assertThat(get("/metrics", "Accept", "text/plain").statusCode()).isEqualTo(200);
        assertThat(get("/healthz").body()).isEqualTo("ok\n");
      }
    } finally {
      for (Socket s : idle) {
        s.close();
      }
    }
  }

  @Test
  void aHundredIdleAndAHundredSlowLorisConnections_doNotDelayProbesOrScrapes() throws Exception {
    List<Socket> idle = new ArrayList<>();
    List<Socket> slow = new ArrayList<>();
    java.util.concurrent.ScheduledExecutorService trickle =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    try {
      for (int i = 0; i < 100; i++) {
        idle.add(new Socket("127.0.0.1", t.server.httpPort())); // connects, sends nothing
        Socket s = new Socket("127.0.0.1", t.server.httpPort());
        s.getOutputStream()
            .write("GET /metrics HTTP/1.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
        slow.add(s);
      }
      trickle.scheduleAtFixedRate( // a byte of header every 100 ms: a request that never ends
          () -> {
            for (Socket s : slow) {
              try {
                s.getOutputStream().write('a');
              } catch (IOException closed) {
                // the server may drop a slow client; that is allowed
              }
            }
          },
          0,
          100,
          java.util.concurrent.TimeUnit.MILLISECONDS);
      for (int i = 0; i < 5; i++) {
        HttpRequest scrape =
            HttpRequest.newBuilder(uri("/metrics")).timeout(Duration.ofSeconds(1)).build();
        assertThat(http.send(scrape, HttpResponse.BodyHandlers.ofString()).statusCode())
            .isEqualTo(200);
        HttpRequest ready =
            HttpRequest.newBuilder(uri("/readyz")).timeout(Duration.ofSeconds(1)).build();
        assertThat(http.send(ready, HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("ok\n");
      }
    } finally {
      trickle.shutdownNow();
      for (Socket s : idle) {
        s.close();
      }
      for (Socket s : slow) {
        s.close();
      }
    }
  }

  @Test
  void metrics_areTextFormat004ByDefault_andOpenMetricsWhenAccepted() throws Exception {
    HttpResponse<String> plain = get("/metrics");
    assertThat(plain.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(plain.body()).contains("jvm_memory_used_bytes").doesNotContain("# EOF");

    // what Prometheus 2.42 sends
    HttpResponse<String> open =
        get(
            "/metrics",
            "Accept",
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
                + "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
    assertThat(open.headers().firstValue("Content-Type"))
        .hasValue("application/openmetrics-text; version=1.0.0; charset=utf-8");
    assertThat(open.body()).contains("jvm_memory_used_bytes").endsWith("# EOF\n");

    HttpResponse<String> preferText =
        get("/metrics", "Accept", "application/openmetrics-text;q=0.2,text/plain;q=0.9");
    assertThat(preferText.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
  }

  @Test
  void metrics_areGzippedWhenTheScraperAcceptsIt() throws Exception {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(uri("/metrics")).header("Accept-Encoding", "gzip").build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.headers().firstValue("Content-Encoding")).hasValue("gzip");
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .contains("jvm_memory_used_bytes");
    }
  }

  @Test
  void healthzAndReadyz_sayOkOnceServing_andListTheirChecksWhenVerbose() throws Exception {
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = get("/readyz");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("ok\n");
    assertThat(get("/readyz?verbose").body())
        .isEqualTo("[+]serving ok\n[+]store ok\nreadyz check passed\n");
  }

  @Test
  void indexLinksTheEndpoints_unknownPathsAre404_andWritesAre405() throws Exception {
    HttpResponse<String> index = get("/");
    assertThat(index.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(index.body())
        .contains("href=\"./metrics\"", "href=\"./healthz\"", "href=\"./readyz\"");

    HttpResponse<String> missing = get("/nope");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("no such page: /nope", "/metrics");

    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(uri("/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    assertThat(get("/metrics").headers().firstValue("Server")).isEmpty();
  }

  @Test
  void aTakenHttpPortIsNamedWithItsFlag() throws IOException {
    int taken = t.server.httpPort();
    ServerConfig clash = new ServerConfig("127.0.0.1", 0, taken, ServerConfig.MEMORY, null);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> VernierServer.create(clash).start())
        .isInstanceOf(PortInUseException.class)
        .hasMessage(
            "HTTP port "
                + taken
                + " on 127.0.0.1 is already in use (another Vernier server?); stop that process or"
                + " choose another port with --http-port");
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + t.server.httpPort() + path);
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
