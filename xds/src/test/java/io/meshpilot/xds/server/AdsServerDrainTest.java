package io.meshpilot.xds.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Graceful shutdown of the ADS server: stop accepting, end the streams, stay within the grace. */
class AdsServerDrainTest {
  private final FakeResourceSource source = new FakeResourceSource();
  private AdsServer server;
  private XdsTestClient sotw;
  private XdsTestClient delta;

  @AfterEach
  void stop() throws Exception {
    sotw.close();
    delta.close();
    server.close();
  }

  @Test
  void drainEndsEveryStreamWithUnavailableAndStopsAcceptingConnections() throws Exception {
    server = new AdsServer(new InetSocketAddress("127.0.0.1", 0), source).start();
    int port = server.port();
    sotw = XdsTestClient.sotw(port, XdsTestClient.node("sidecar~10.0.0.1~a.default~default.svc.cluster.local"));
    delta = XdsTestClient.delta(port, XdsTestClient.node("sidecar~10.0.0.2~b.default~default.svc.cluster.local"));
    sotw.request(XdsType.CLUSTER, List.of(), "", "");
    sotw.next(XdsType.CLUSTER);
    delta.deltaRequest(XdsType.CLUSTER, List.of(), List.of(), "", java.util.Map.of(), false);
    delta.nextDelta(XdsType.CLUSTER);
    await().atMost(XdsTestClient.WAIT).until(() -> server.connectionIds().size() == 2);

    server.drain(Duration.ofSeconds(20));

    for (XdsTestClient client : List.of(sotw, delta)) {
      await().atMost(XdsTestClient.WAIT).until(() -> client.error() != null);
      assertThat(Status.fromThrowable(client.error()).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }
    assertThat(server.connectionIds()).isEmpty();
    assertThat(refused(port)).isTrue();
  }

  private static boolean refused(int port) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }
}
