package io.meshpilot.xds.route;

import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.meshpilot.registry.networking.Percent;
import io.meshpilot.registry.networking.StringMatch;
import io.meshpilot.registry.networking.VirtualService;
import io.meshpilot.registry.networking.VirtualService.HttpFaultInjection;
import java.util.Map;
import java.util.Optional;

/**
 * The per-route configs of the HTTP filters every sidecar HTTP connection manager carries
 * (istiod's {@code TranslateFault}, {@code TranslateCORSPolicy}): {@code envoy.filters.http.fault}
 * with delay and abort percentages, {@code envoy.filters.http.cors} with the policy.
 */
public final class RouteFilterConfigs {
  public static final String FAULT = "envoy.filters.http.fault";
  public static final String CORS = "envoy.filters.http.cors";

  /** gRPC status names istiod accepts for {@code abort.grpcStatus}, by their codes. */
  private static final Map<String, Integer> GRPC_STATUS = Map.ofEntries(Map.entry("OK", 0),
      Map.entry("CANCELLED", 1), Map.entry("UNKNOWN", 2), Map.entry("INVALID_ARGUMENT", 3),
      Map.entry("DEADLINE_EXCEEDED", 4), Map.entry("NOT_FOUND", 5), Map.entry("ALREADY_EXISTS", 6),
      Map.entry("PERMISSION_DENIED", 7), Map.entry("RESOURCE_EXHAUSTED", 8), Map.entry("FAILED_PRECONDITION", 9),
      Map.entry("ABORTED", 10), Map.entry("OUT_OF_RANGE", 11), Map.entry("UNIMPLEMENTED", 12),
      Map.entry("INTERNAL", 13), Map.entry("UNAVAILABLE", 14), Map.entry("DATA_LOSS", 15),
      Map.entry("UNAUTHENTICATED", 16));

  private RouteFilterConfigs() {}

  /** The fault filter's route config, empty when neither a delay nor an abort can be built. */
  static Optional<HTTPFault> fault(HttpFaultInjection in) {
    if (in == null) {
      return Optional.empty();
    }
    HTTPFault.Builder out = HTTPFault.newBuilder();
    HttpFaultInjection.Delay delay = in.delay();
    if (delay != null && delay.fixedDelay() != null) {
      out.setDelay(FaultDelay.newBuilder()
          .setPercentage(delay.percentage() != null ? millionths(delay.percentage())
              : hundredths(delay.percent() == null ? 0 : delay.percent()))
          .setFixedDelay(ProtoDurations.parse(delay.fixedDelay())));
    }
    HttpFaultInjection.Abort abort = in.abort();
    if (abort != null && (abort.httpStatus() != null || abort.grpcStatus() != null)) {
      FaultAbort.Builder a = FaultAbort.newBuilder();
      if (abort.percentage() != null) {
        a.setPercentage(millionths(abort.percentage()));
      }
      if (abort.httpStatus() != null) {
        a.setHttpStatus(abort.httpStatus());
      } else {
        a.setGrpcStatus(GRPC_STATUS.getOrDefault(abort.grpcStatus(), 2));
      }
      out.setAbort(a);
    }
    return out.hasDelay() || out.hasAbort() ? Optional.of(out.build()) : Optional.empty();
  }

  static CorsPolicy cors(VirtualService.CorsPolicy in) {
    CorsPolicy.Builder out = CorsPolicy.newBuilder()
        // IGNORE stops forwarding preflights that match no origin; istiod forwards them otherwise
        .setForwardNotMatchingPreflights(BoolValue.of(!"IGNORE".equals(in.unmatchedPreflights())));
    for (StringMatch origin : in.allowOrigins()) {
      StringMatchers.of(origin).ifPresent(out::addAllowOriginStringMatch);
    }
    out.setFilterEnabled(RuntimeFractionalPercent.newBuilder().setDefaultValue(hundredths(100)));
    if (in.allowCredentials() != null) {
      out.setAllowCredentials(BoolValue.of(in.allowCredentials()));
    }
    out.setAllowHeaders(String.join(",", in.allowHeaders()))
        .setAllowMethods(String.join(",", in.allowMethods()))
        .setExposeHeaders(String.join(",", in.exposeHeaders()));
    if (in.maxAge() != null && !in.maxAge().isEmpty()) {
      out.setMaxAge(Long.toString(ProtoDurations.parse(in.maxAge()).getSeconds()));
    }
    return out.build();
  }

  /** istiod's {@code translatePercentToFractionalPercent}: per million, so fractions survive. */
  static FractionalPercent millionths(Percent percent) {
    double value = percent.value() == null ? 0 : percent.value();
    return FractionalPercent.newBuilder()
        .setNumerator((int) (value * 10000))
        .setDenominator(FractionalPercent.DenominatorType.MILLION)
        .build();
  }

  static FractionalPercent hundredths(int percent) {
    return FractionalPercent.newBuilder().setNumerator(percent)
        .setDenominator(FractionalPercent.DenominatorType.HUNDRED).build();
  }
}
