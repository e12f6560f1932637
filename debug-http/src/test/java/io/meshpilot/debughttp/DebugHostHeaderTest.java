package io.meshpilot.debughttp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * DNS rebinding through a port-forward: a page on {@code evil.example.com}, rebound to 127.0.0.1,
 * reaches the debug port as a loopback caller but sends its own Host; it gets 401, while local tools
 * (Host localhost or 127.0.0.1) keep token-free access. /ready and /version do not care.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DebugHostHeaderTest {
  private DebugHttpServer server;

  @BeforeAll
  void start() {
    server = DebugHttpServer.start(new DebugHttpOptions("127.0.0.1", 0, "v"), DebugSources.of(new FakeServiceRegistry()));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void loopbackCallerWithARebindingHostIsRefused() throws IOException {
    assertThat(statusLine("/debug/registryz", "evil.example.com:15014")).contains(" 401 ");
    assertThat(statusLine("/debug/syncz", "10.0.0.7:15014")).contains(" 401 ");
  }

  @Test
  void localToolsStillNeedNoToken() throws IOException {
    assertThat(statusLine("/debug/registryz", "localhost:" + server.port())).contains(" 200 ");
    assertThat(statusLine("/debug/registryz", "127.0.0.1:" + server.port())).contains(" 200 ");
  }

  @Test
  void probesIgnoreTheHost() throws IOException {
    assertThat(statusLine("/ready", "evil.example.com")).contains(" 200 ");
  }

  /** One raw HTTP/1.1 request (java.net.http does not let a caller set Host). */
  private String statusLine(String path, String host) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
        line.append((char) c);
      }
      return line.toString();
    }
  }
}
