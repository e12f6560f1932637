package io.meshpilot.xds.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Istio's request-routing task as tests share it: {@code reviews-by-user.yaml} (a DestinationRule
 * with subsets v1 and v2 of reviews by label {@code version}, a VirtualService sending
 * {@code end-user: jason} to v2 and everyone else to v1) and the reviews workload it routes between.
 */
public final class ReviewsByUser {
  public static final String HOST = "reviews.default.svc.cluster.local";
  public static final String V1_IP = "127.0.0.51";
  public static final String V2_IP = "127.0.0.52";

  private ReviewsByUser() {}

  /** The DestinationRule and VirtualService, as written. */
  public static String yaml() {
    try (InputStream in = ReviewsByUser.class.getResourceAsStream("reviews-by-user.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Backends {@code reviews-v1} and {@code reviews-v2} on a free port, and their Service and pods in {@code mesh}. */
  public static List<HttpBackend> workload(EnvoyMesh mesh) {
    int port = EnvoyMesh.freePort(V1_IP);
    List<HttpBackend> backends = List.of(mesh.track(HttpBackend.start("reviews-v1", V1_IP, port)),
        mesh.track(HttpBackend.start("reviews-v2", V2_IP, port)));
    mesh.workload("reviews", "10.96.0.12", "http", 9080, port, List.of(
        new EnvoyMesh.Pod("reviews-v1-5f6d7", V1_IP, "v1"), new EnvoyMesh.Pod("reviews-v2-8c9a1", V2_IP, "v2")));
    return backends;
  }
}
