package io.meshpilot.xds.route;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.ByteString;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.Decorator;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import io.meshpilot.registry.networking.Destination;
import io.meshpilot.registry.networking.Percent;
import io.meshpilot.registry.networking.VirtualService.HttpDirectResponse;
import io.meshpilot.registry.networking.VirtualService.HttpMatchRequest;
import io.meshpilot.registry.networking.VirtualService.HttpMirrorPolicy;
import io.meshpilot.registry.networking.VirtualService.HttpRedirect;
import io.meshpilot.registry.networking.VirtualService.HttpRoute;
import io.meshpilot.registry.networking.VirtualService.HttpRouteDestination;
import io.meshpilot.xds.cluster.ClusterNames;
import io.meshpilot.xds.view.MeshVirtualService;
import io.meshpilot.xds.view.VirtualServices;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Envoy routes of one VirtualService on one listener port for one {@link RouteSource}
 * (istiod's {@code BuildHTTPRoutesForVirtualService} and {@code TranslateRoute}): one route per
 * HTTP match (or one for a route without matches), skipping matches for another port, gateway or
 * source, and stopping after the first catch-all. Each route carries the VirtualService as
 * {@code filter_metadata.istio.config}, a decorator, and per-filter fault and CORS configs.
 */
public final class VirtualServiceRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(VirtualServiceRoutes.class);

  /** Which client the routes are for: proxyless gRPC reads timeouts from {@code max_stream_duration}. */
  public enum Client { SIDECAR, PROXYLESS_GRPC }

  private VirtualServiceRoutes() {}

  /**
   * The routes, empty when none applies on this port and source.
   *
   * @param retries what a route without its own {@code retries} gets (the mesh's default)
   */
  public static List<Route> build(MeshVirtualService vs, int listenPort, RouteSource source, DestinationHashes hashes,
      Client client, RetryPolicies retries) {
    List<Route> out = new ArrayList<>();
    for (HttpRoute http : vs.spec().http()) {
      boolean catchAll = false;
      if (http.match().isEmpty()) {
        translate(vs, http, null, listenPort, source, hashes, client, retries).ifPresent(out::add);
        catchAll = true;
      } else {
        for (HttpMatchRequest match : http.match()) {
          Optional<Route> route = translate(vs, http, match, listenPort, source, hashes, client, retries);
          if (route.isPresent()) {
            out.add(route.get());
            if (RouteMatches.isCatchAll(route.get())) {
              catchAll = true; // Envoy matches in order: nothing after a catch-all is ever reached
              break;
            }
          }
        }
      }
      if (catchAll) {
        break;
      }
    }
    return List.copyOf(out);
  }

  private static Optional<Route> translate(MeshVirtualService vs, HttpRoute in, HttpMatchRequest match,
      int listenPort, RouteSource source, DestinationHashes hashes, Client client, RetryPolicies retries) {
    if (match != null) {
      if (match.port() != null && match.port() != 0 && match.port() != listenPort) {
        return Optional.empty();
      }
      if (!match.gateways().isEmpty() ? !match.gateways().contains(VirtualServices.MESH_GATEWAY)
          : !source.matches(match.sourceLabels(), match.sourceNamespace())) {
        return Optional.empty();
      }
    }
    String name = nullToEmpty(in.name());
    if (match != null && match.name() != null && !match.name().isEmpty()) {
      name = name + "." + match.name();
    }
    Route.Builder out = Route.newBuilder()
        .setName(name)
        .setMatch(RouteMatches.of(match))
        .setMetadata(ConfigMetadata.of(ConfigMetadata.path(vs)));
    if (match != null && match.statPrefix() != null && !match.statPrefix().isEmpty()) {
      out.setStatPrefix(match.statPrefix());
    }
    HeaderMutations headers = HeaderMutations.of(in.headers());
    out.addAllRequestHeadersToAdd(headers.requestToAdd())
        .addAllResponseHeadersToAdd(headers.responseToAdd())
        .addAllRequestHeadersToRemove(headers.requestToRemove())
        .addAllResponseHeadersToRemove(headers.responseToRemove());
    if (in.redirect() != null) {
      if (!redirect(out, in.redirect(), listenPort)) {
        LOG.warn("VirtualService {}/{}: redirect code {} is not supported; route {} has no action", vs.namespace(),
            vs.name(), in.redirect().redirectCode(), name);
      }
    } else if (in.directResponse() != null) {
      out.setDirectResponse(directResponse(in.directResponse()));
    } else {
      out.setRoute(action(out, in, listenPort, headers.authority(), hashes, client, retries));
    }
    out.setDecorator(Decorator.newBuilder().setOperation(operation(out, vs.name(), listenPort)));
    RouteFilterConfigs.fault(in.fault()).ifPresent(f -> out.putTypedPerFilterConfig(RouteFilterConfigs.FAULT,
        Any.pack(f)));
    // grpc-java refuses a route config for a filter it does not know, and it has no CORS filter
    if (in.corsPolicy() != null && client == Client.SIDECAR) {
      out.putTypedPerFilterConfig(RouteFilterConfigs.CORS, Any.pack(RouteFilterConfigs.cors(in.corsPolicy())));
    }
    return Optional.of(out.build());
  }

  @SuppressWarnings("deprecation") // max_grpc_timeout, as istiod sends it to sidecars
  private static RouteAction action(Route.Builder out, HttpRoute in, int listenPort, String headerAuthority,
      DestinationHashes hashes, Client client, RetryPolicies retries) {
    RouteAction.Builder action = RouteAction.newBuilder();
    com.google.protobuf.Duration timeout = in.timeout() == null || in.timeout().isEmpty()
        ? Durations.ZERO : ProtoDurations.parse(in.timeout());
    action.setTimeout(timeout);
    if (client == Client.PROXYLESS_GRPC) {
      action.setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder().setMaxStreamDuration(timeout));
    } else {
      action.setMaxGrpcTimeout(timeout);
    }
    String authority = headerAuthority;
    if (in.rewrite() != null) {
      if (in.rewrite().uriRegexRewrite() != null) {
        action.setRegexRewrite(RegexMatchAndSubstitute.newBuilder()
            .setPattern(StringMatchers.regex(in.rewrite().uriRegexRewrite().match()))
            .setSubstitution(nullToEmpty(in.rewrite().uriRegexRewrite().rewrite())));
      } else if (in.rewrite().uri() != null && !in.rewrite().uri().isEmpty()) {
        action.setPrefixRewrite(in.rewrite().uri());
      }
      if (in.rewrite().authority() != null && !in.rewrite().authority().isEmpty()) {
        authority = in.rewrite().authority();
      }
    }
    if (!authority.isEmpty()) {
      action.setHostRewriteLiteral(authority);
    }
    if (in.mirror() != null) {
      mirrorFraction(in).ifPresent(fraction -> action.addRequestMirrorPolicies(
          mirror(cluster(in.mirror(), listenPort), fraction)));
    }
    for (HttpMirrorPolicy mirror : in.mirrors()) {
      if (mirror.destination() != null) {
        fraction(mirror.percentage()).ifPresent(fraction -> action.addRequestMirrorPolicies(
            mirror(cluster(mirror.destination(), listenPort), fraction)));
      }
    }
    boolean consistentHash = false;
    if (in.route().size() == 1) {
      HttpRouteDestination dst = in.route().get(0);
      action.setCluster(cluster(dst.destination(), listenPort));
      HeaderMutations headers = HeaderMutations.of(dst.headers());
      out.addAllRequestHeadersToAdd(headers.requestToAdd())
          .addAllRequestHeadersToRemove(headers.requestToRemove())
          .addAllResponseHeadersToAdd(headers.responseToAdd())
          .addAllResponseHeadersToRemove(headers.responseToRemove());
      if (!headers.authority().isEmpty() && !action.hasHostRewriteLiteral()) {
        action.setHostRewriteLiteral(headers.authority());
      }
      Optional<RouteAction.HashPolicy> hash = hashes.forDestination(dst.destination());
      hash.ifPresent(action::addHashPolicy);
      consistentHash = hash.isPresent();
    } else {
      WeightedCluster.Builder weighted = WeightedCluster.newBuilder();
      for (HttpRouteDestination dst : in.route()) {
        if (dst.weight() == null || dst.weight() == 0) {
          continue; // a zero weight among several destinations gets no traffic
        }
        WeightedCluster.ClusterWeight.Builder weight = WeightedCluster.ClusterWeight.newBuilder()
            .setName(cluster(dst.destination(), listenPort))
            .setWeight(UInt32Value.of(dst.weight()));
        HeaderMutations headers = HeaderMutations.of(dst.headers());
        weight.addAllRequestHeadersToAdd(headers.requestToAdd())
            .addAllRequestHeadersToRemove(headers.requestToRemove())
            .addAllResponseHeadersToAdd(headers.responseToAdd())
            .addAllResponseHeadersToRemove(headers.responseToRemove());
        if (!headers.authority().isEmpty()) {
          weight.setHostRewriteLiteral(headers.authority());
        }
        weighted.addClusters(weight);
        hashes.forDestination(dst.destination()).ifPresent(action::addHashPolicy);
      }
      action.setWeightedClusters(weighted);
    }
    retries.forRoute(in.retries(), consistentHash).ifPresent(action::setRetryPolicy);
    return action.build();
  }

  /**
   * istiod's {@code GetDestinationCluster} for sidecars: the destination's port, else the listener
   * port (the only port a service has in a port's route configuration).
   */
  static String cluster(Destination destination, int listenPort) {
    if (destination == null || destination.host() == null || destination.host().isEmpty()) {
      return "UnknownService";
    }
    int port = destination.port() != null && destination.port().number() != null
        ? destination.port().number() : listenPort;
    return ClusterNames.outbound(port, destination.subset(), destination.host());
  }

  private static RouteAction.RequestMirrorPolicy mirror(String cluster, RuntimeFractionalPercent fraction) {
    return RouteAction.RequestMirrorPolicy.newBuilder()
        .setCluster(cluster)
        .setRuntimeFraction(fraction)
        .setTraceSampled(BoolValue.of(false))
        .setDisableShadowHostSuffixAppend(true) // istiod's DISABLE_SHADOW_HOST_SUFFIX default
        .build();
  }

  /** istiod's {@code MirrorPercent}: mirrorPercentage, else the deprecated mirrorPercent, else 100; 0 turns it off. */
  private static Optional<RuntimeFractionalPercent> mirrorFraction(HttpRoute in) {
    if (in.mirrorPercentage() != null) {
      return fraction(in.mirrorPercentage());
    }
    if (in.mirrorPercent() != null) {
      return in.mirrorPercent() > 0 ? Optional.of(RuntimeFractionalPercent.newBuilder()
          .setDefaultValue(RouteFilterConfigs.hundredths(in.mirrorPercent())).build()) : Optional.empty();
    }
    return fraction(null);
  }

  private static Optional<RuntimeFractionalPercent> fraction(Percent percent) {
    if (percent == null) {
      return Optional.of(RuntimeFractionalPercent.newBuilder().setDefaultValue(RouteFilterConfigs.hundredths(100))
          .build());
    }
    if (percent.value() == null || percent.value() <= 0) {
      return Optional.empty();
    }
    return Optional.of(RuntimeFractionalPercent.newBuilder().setDefaultValue(RouteFilterConfigs.millionths(percent))
        .build());
  }

  /** istiod's {@code ApplyRedirect}; false (and no action) for a response code Envoy cannot send. */
  private static boolean redirect(Route.Builder out, HttpRedirect in, int listenPort) {
    RedirectAction.Builder redirect = RedirectAction.newBuilder().setHostRedirect(nullToEmpty(in.authority()))
        .setPathRedirect(nullToEmpty(in.uri()));
    if (in.scheme() != null && !in.scheme().isEmpty()) {
      redirect.setSchemeRedirect(in.scheme());
    }
    if (in.port() != null || in.derivePort() != null) {
      int port = 0;
      if (in.port() != null) {
        port = in.port();
      } else if ("FROM_REQUEST_PORT".equals(in.derivePort())) {
        port = listenPort; // routes are built per listener port, so the request's port is known
      }
      String scheme = in.scheme() == null || in.scheme().isEmpty() ? "http" : in.scheme();
      if ((port == 80 && scheme.equals("http")) || (port == 443 && scheme.equals("https"))) {
        port = 0;
      }
      redirect.setPortRedirect(port);
    }
    int code = in.redirectCode() == null ? 0 : in.redirectCode();
    RedirectAction.RedirectResponseCode response = switch (code) {
      case 0, 301 -> RedirectAction.RedirectResponseCode.MOVED_PERMANENTLY;
      case 302 -> RedirectAction.RedirectResponseCode.FOUND;
      case 303 -> RedirectAction.RedirectResponseCode.SEE_OTHER;
      case 307 -> RedirectAction.RedirectResponseCode.TEMPORARY_REDIRECT;
      case 308 -> RedirectAction.RedirectResponseCode.PERMANENT_REDIRECT;
      default -> null;
    };
    if (response == null) {
      return false;
    }
    out.setRedirect(redirect.setResponseCode(response));
    return true;
  }

  private static DirectResponseAction directResponse(HttpDirectResponse in) {
    DirectResponseAction.Builder out = DirectResponseAction.newBuilder().setStatus(in.status() == null ? 0 : in.status());
    if (in.body() != null) {
      if (in.body().string() != null) {
        out.setBody(DataSource.newBuilder().setInlineString(in.body().string()));
      } else if (in.body().bytes() != null) {
        out.setBody(DataSource.newBuilder().setInlineBytes(ByteString.copyFrom(Base64.getDecoder()
            .decode(in.body().bytes()))));
      }
    }
    return out.build();
  }

  /**
   * istiod's {@code GetRouteOperation}: {@code <host>:<port><path>} when the route has one
   * cluster, else {@code <vs name>:<listener port><path>}.
   */
  private static String operation(Route.Builder route, String vsName, int listenPort) {
    String path = switch (route.getMatch().getPathSpecifierCase()) {
      case PREFIX -> route.getMatch().getPrefix() + "*";
      case PATH -> route.getMatch().getPath();
      case SAFE_REGEX -> route.getMatch().getSafeRegex().getRegex();
      default -> "/*";
    };
    if (route.hasRoute()) {
      Optional<ClusterNames.Outbound> cluster = ClusterNames.parseOutbound(route.getRoute().getCluster());
      if (cluster.isPresent()) {
        return cluster.get().hostname() + ":" + cluster.get().port() + path;
      }
    }
    return vsName + ":" + listenPort + path;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
