package io.meshpilot.registry.networking;

import java.util.List;
import java.util.Map;

/**
 * The spec of an Istio VirtualService (networking.istio.io v1): routing rules for the hosts it
 * names. Component names are Istio's JSON field names.
 */
public record VirtualService(List<String> hosts, List<String> gateways, List<HttpRoute> http, List<TlsRoute> tls,
    List<TcpRoute> tcp, List<String> exportTo) {
  public VirtualService {
    hosts = Nulls.list(hosts);
    gateways = Nulls.list(gateways);
    http = Nulls.list(http);
    tls = Nulls.list(tls);
    tcp = Nulls.list(tcp);
    exportTo = Nulls.list(exportTo);
  }

  public record HttpRoute(String name, List<HttpMatchRequest> match, List<HttpRouteDestination> route,
      HttpRedirect redirect, HttpDirectResponse directResponse, Delegate delegate, HttpRewrite rewrite,
      String timeout, HttpRetry retries, HttpFaultInjection fault, Destination mirror, Percent mirrorPercentage,
      Integer mirrorPercent, List<HttpMirrorPolicy> mirrors, CorsPolicy corsPolicy, Headers headers) {
    public HttpRoute {
      match = Nulls.list(match);
      route = Nulls.list(route);
      mirrors = Nulls.list(mirrors);
    }
  }

  public record HttpMatchRequest(String name, StringMatch uri, StringMatch scheme, StringMatch method,
      StringMatch authority, Map<String, StringMatch> headers, Integer port, Map<String, String> sourceLabels,
      List<String> gateways, Map<String, StringMatch> queryParams, Boolean ignoreUriCase,
      Map<String, StringMatch> withoutHeaders, String sourceNamespace, String statPrefix) {
    public HttpMatchRequest {
      headers = Nulls.map(headers);
      sourceLabels = Nulls.map(sourceLabels);
      gateways = Nulls.list(gateways);
      queryParams = Nulls.map(queryParams);
      withoutHeaders = Nulls.map(withoutHeaders);
    }
  }

  public record HttpRouteDestination(Destination destination, Integer weight, Headers headers) {}

  public record RouteDestination(Destination destination, Integer weight) {}

  public record Delegate(String name, String namespace) {}

  public record HttpRedirect(String uri, String authority, Integer port, String derivePort, String scheme,
      Integer redirectCode) {}

  public record HttpDirectResponse(Integer status, HttpBody body) {}

  /** One of {@code string} or {@code bytes} (base64). */
  public record HttpBody(String string, String bytes) {}

  public record HttpRewrite(String uri, String authority, RegexRewrite uriRegexRewrite) {}

  public record RegexRewrite(String match, String rewrite) {}

  /**
   * {@code HTTPRetry}; {@code backoff} is Envoy's base interval between retries,
   * {@code retryIgnorePreviousHosts} (default true) whether a retry avoids the hosts already tried.
   */
  public record HttpRetry(Integer attempts, String perTryTimeout, String retryOn, Boolean retryRemoteLocalities,
      Boolean retryIgnorePreviousHosts, String backoff) {}

  public record HttpFaultInjection(Delay delay, Abort abort) {
    public record Delay(String fixedDelay, Percent percentage, Integer percent) {}

    public record Abort(Integer httpStatus, String grpcStatus, String http2Error, Percent percentage) {}
  }

  public record HttpMirrorPolicy(Destination destination, Percent percentage) {}

  public record CorsPolicy(List<StringMatch> allowOrigins, List<String> allowMethods, List<String> allowHeaders,
      List<String> exposeHeaders, String maxAge, Boolean allowCredentials, String unmatchedPreflights) {
    public CorsPolicy {
      allowOrigins = Nulls.list(allowOrigins);
      allowMethods = Nulls.list(allowMethods);
      allowHeaders = Nulls.list(allowHeaders);
      exposeHeaders = Nulls.list(exposeHeaders);
    }
  }

  public record Headers(HeaderOperations request, HeaderOperations response) {}

  public record HeaderOperations(Map<String, String> set, Map<String, String> add, List<String> remove) {
    public HeaderOperations {
      set = Nulls.map(set);
      add = Nulls.map(add);
      remove = Nulls.list(remove);
    }
  }

  public record TlsRoute(List<TlsMatchAttributes> match, List<RouteDestination> route) {
    public TlsRoute {
      match = Nulls.list(match);
      route = Nulls.list(route);
    }
  }

  public record TlsMatchAttributes(List<String> sniHosts, List<String> destinationSubnets, Integer port,
      Map<String, String> sourceLabels, List<String> gateways, String sourceNamespace) {
    public TlsMatchAttributes {
      sniHosts = Nulls.list(sniHosts);
      destinationSubnets = Nulls.list(destinationSubnets);
      sourceLabels = Nulls.map(sourceLabels);
      gateways = Nulls.list(gateways);
    }
  }

  public record TcpRoute(List<L4MatchAttributes> match, List<RouteDestination> route) {
    public TcpRoute {
      match = Nulls.list(match);
      route = Nulls.list(route);
    }
  }

  public record L4MatchAttributes(List<String> destinationSubnets, Integer port, Map<String, String> sourceLabels,
      List<String> gateways, String sourceNamespace) {
    public L4MatchAttributes {
      destinationSubnets = Nulls.list(destinationSubnets);
      sourceLabels = Nulls.map(sourceLabels);
      gateways = Nulls.list(gateways);
    }
  }
}
