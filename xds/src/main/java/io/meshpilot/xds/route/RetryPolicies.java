package io.meshpilot.xds.route;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig;
import io.meshpilot.registry.networking.VirtualService.HttpRetry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Route retry policies as istiod builds them ({@code route/retry.ConvertPolicy}): a route without a
 * VirtualService policy takes MeshConfig {@code defaultHttpRetryPolicy}, else istiod's default of
 * 2 attempts on connect-failure, refused-stream, unavailable, cancelled and retriable-status-codes,
 * retrying another host (not when the route hashes to one host); {@code attempts: 0} turns retries
 * off; status codes in {@code retryOn} become {@code retriable_status_codes}; {@code backoff} is the
 * base interval of {@code retry_back_off}. Compared by value, so it can key cached routes.
 *
 * @param meshDefault MeshConfig {@code defaultHttpRetryPolicy}, empty for istiod's built-in default
 */
public record RetryPolicies(Optional<HttpRetry> meshDefault) {
  static final String DEFAULT_RETRY_ON = "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes";
  /** istiod's policies when MeshConfig sets no {@code defaultHttpRetryPolicy}. */
  public static final RetryPolicies ISTIO_DEFAULT = new RetryPolicies(Optional.empty());

  private static final RetryPolicy.RetryHostPredicate PREVIOUS_HOSTS = RetryPolicy.RetryHostPredicate.newBuilder()
      .setName("envoy.retry_host_predicates.previous_hosts")
      .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance()))
      .build();
  private static final RetryPolicy.RetryPriority PREVIOUS_PRIORITIES = RetryPolicy.RetryPriority.newBuilder()
      .setName("envoy.retry_priorities.previous_priorities")
      .setTypedConfig(Any.pack(PreviousPrioritiesConfig.newBuilder().setUpdateFrequency(2).build()))
      .build();
  private static final RetryPolicy DEFAULT = base(false).build();
  private static final RetryPolicy DEFAULT_HASHED = base(true).build();

  /** HTTP status codes Go's {@code http.StatusText} knows: only these count as codes in {@code retryOn}. */
  private static final Set<Integer> STATUS_CODES = Set.of(100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206,
      207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410,
      411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503,
      504, 505, 506, 507, 508, 510, 511);

  public RetryPolicies {
    Objects.requireNonNull(meshDefault, "meshDefault");
  }

  /** The policies of a mesh whose MeshConfig sets this {@code defaultHttpRetryPolicy} (empty: none). */
  public static RetryPolicies forMesh(Optional<HttpRetry> meshDefault) {
    return meshDefault.isEmpty() ? ISTIO_DEFAULT : new RetryPolicies(meshDefault);
  }

  /**
   * The policy of a service's default route (istiod's BuildDefaultHTTPOutboundRoute): the mesh
   * default as for a route that does not hash, empty when it turns retries off.
   */
  public Optional<RetryPolicy> forDefaultRoute() {
    return forRoute(null, false);
  }

  /**
   * The policy for a VirtualService retry setting ({@code null}: the mesh default), empty when
   * retries are off.
   *
   * @param consistentHash the route hashes requests to a host, so a retry must not pick another
   */
  Optional<RetryPolicy> forRoute(HttpRetry in, boolean consistentHash) {
    HttpRetry policy = in != null ? in : meshDefault.orElse(null);
    if (policy == null) {
      return Optional.of(consistentHash ? DEFAULT_HASHED : DEFAULT);
    }
    return convert(policy, consistentHash);
  }

  private static Optional<RetryPolicy> convert(HttpRetry in, boolean consistentHash) {
    if (in.attempts() == null || in.attempts() <= 0) {
      return Optional.empty();
    }
    RetryPolicy.Builder out = base(consistentHash).setNumRetries(UInt32Value.of(in.attempts()));
    if (in.retryOn() != null && !in.retryOn().isEmpty()) {
      List<String> conditions = new ArrayList<>();
      List<Integer> codes = new ArrayList<>();
      for (String part : in.retryOn().split(",")) {
        String p = part.trim();
        if (p.isEmpty()) {
          continue;
        }
        Integer code = statusCode(p);
        if (code != null) {
          codes.add(code);
        } else {
          conditions.add(p);
        }
      }
      String retryOn = String.join(",", conditions);
      if (!codes.isEmpty() && !retryOn.contains("retriable-status-codes")) {
        retryOn += ",retriable-status-codes";
      }
      out.setRetryOn(retryOn).addAllRetriableStatusCodes(codes);
    }
    if (in.perTryTimeout() != null && !in.perTryTimeout().isEmpty()) {
      out.setPerTryTimeout(ProtoDurations.parse(in.perTryTimeout()));
    }
    if (in.retryIgnorePreviousHosts() != null) {
      // set explicitly, it decides even for a hashing route, as in istiod
      out.clearRetryHostPredicate();
      if (in.retryIgnorePreviousHosts()) {
        out.addRetryHostPredicate(PREVIOUS_HOSTS);
      }
    }
    if (Boolean.TRUE.equals(in.retryRemoteLocalities())) {
      out.setRetryPriority(PREVIOUS_PRIORITIES);
    }
    if (in.backoff() != null && !in.backoff().isEmpty()) {
      out.setRetryBackOff(RetryPolicy.RetryBackOff.newBuilder().setBaseInterval(ProtoDurations.parse(in.backoff())));
    }
    return Optional.of(out.build());
  }

  private static Integer statusCode(String text) {
    try {
      int code = Integer.parseInt(text);
      return STATUS_CODES.contains(code) ? code : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static RetryPolicy.Builder base(boolean consistentHash) {
    RetryPolicy.Builder policy = RetryPolicy.newBuilder()
        .setRetryOn(DEFAULT_RETRY_ON)
        .setNumRetries(UInt32Value.of(2))
        .setHostSelectionRetryMaxAttempts(5);
    if (!consistentHash) {
      policy.addRetryHostPredicate(PREVIOUS_HOSTS);
    }
    return policy;
  }
}
