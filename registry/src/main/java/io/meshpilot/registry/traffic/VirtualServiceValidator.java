package io.meshpilot.registry.traffic;

import static io.meshpilot.registry.traffic.TrafficRules.atMostOne;
import static io.meshpilot.registry.traffic.TrafficRules.duration;
import static io.meshpilot.registry.traffic.TrafficRules.quote;

import io.meshpilot.registry.networking.Destination;
import io.meshpilot.registry.networking.Percent;
import io.meshpilot.registry.networking.StringMatch;
import io.meshpilot.registry.networking.VirtualService;
import io.meshpilot.registry.networking.VirtualService.HttpMatchRequest;
import io.meshpilot.registry.networking.VirtualService.HttpRoute;
import io.meshpilot.registry.networking.VirtualService.RouteDestination;
import io.meshpilot.registry.serviceentry.IpLiterals;
import io.meshpilot.registry.validation.DnsNames;
import io.meshpilot.registry.validation.Findings;
import io.meshpilot.registry.validation.Validation;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * istiod's VirtualService validation ({@code ValidateVirtualService} and {@code validateHTTPRoute}):
 * hosts (none for a delegate), gateways, and every HTTP, TLS and TCP route, plus the proto rules
 * istiod's parser enforces (oneofs). Messages start with the field path.
 */
public final class VirtualServiceValidator {
  private static final Set<String> RETRY_ON = Set.of("5xx", "gateway-error", "reset", "reset-before-request",
      "connect-failure", "retriable-4xx", "refused-stream", "retriable-status-codes", "retriable-headers",
      "envoy-ratelimited", "http3-post-connect-failure", "cancelled", "deadline-exceeded", "internal",
      "resource-exhausted", "unavailable");
  private static final Set<String> GRPC_STATUS = Set.of("OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
      "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
      "UNAUTHENTICATED");
  private static final Set<String> CORS_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT",
      "OPTIONS", "TRACE", "*");
  private static final int MAX_DIRECT_BODY = 1024 * 1024;

  private VirtualServiceValidator() {}

  /** Validates the spec of a VirtualService that lives in {@code namespace}. */
  public static Validation validate(String namespace, VirtualService vs) {
    Findings findings = new Findings();
    boolean delegate = vs.hosts().isEmpty();
    if (delegate) {
      if (!vs.gateways().isEmpty()) {
        findings.error("spec.gateways", "delegate virtual service must have no gateways specified");
      }
      if (!vs.tls().isEmpty()) {
        findings.error("spec.tls", "delegate virtual service must have no tls route specified");
      }
      if (!vs.tcp().isEmpty()) {
        findings.error("spec.tcp", "delegate virtual service must have no tcp route specified");
      }
    }
    TrafficRules.gatewayNames(vs.gateways(), "spec.gateways", findings);
    // istiod: a VirtualService naming any gateway but "mesh" is validated as gateway-bound only
    boolean appliesToGateway = vs.gateways().stream().anyMatch(g -> !"mesh".equals(g));
    boolean appliesToMesh = !appliesToGateway;
    hosts(vs.hosts(), appliesToMesh, findings);
    if (vs.http().isEmpty() && vs.tcp().isEmpty() && vs.tls().isEmpty()) {
      findings.error("spec", "http, tcp or tls must be provided in virtual service");
    }
    for (int i = 0; i < vs.http().size(); i++) {
      HttpRoute route = vs.http().get(i);
      String path = "spec.http[" + i + "]";
      if (route == null) {
        findings.error(path, "http route may not be null");
        continue;
      }
      if (!appliesToGateway) {
        jwtClaimRoutes(route, path, findings);
      }
      httpRoute(route, delegate, path, findings);
    }
    for (int i = 0; i < vs.tls().size(); i++) {
      tlsRoute(vs, vs.tls().get(i), "spec.tls[" + i + "]", findings);
    }
    for (int i = 0; i < vs.tcp().size(); i++) {
      tcpRoute(vs.tcp().get(i), "spec.tcp[" + i + "]", findings);
    }
    TrafficRules.exportTo(namespace, vs.exportTo(), false, findings);
    return findings.toValidation();
  }

  private static void hosts(List<String> hosts, boolean appliesToMesh, Findings findings) {
    boolean allValid = true;
    for (int i = 0; i < hosts.size(); i++) {
      String host = hosts.get(i) == null ? "" : hosts.get(i);
      String path = "spec.hosts[" + i + "]";
      if (DnsNames.wildcardDomainProblem(host).isPresent()) {
        if (!IpLiterals.isIp(host)) {
          TrafficRules.wildcardDomain(host, path, findings);
          allValid = false;
        }
      } else if (appliesToMesh && host.equals("*")) {
        findings.error(path, "wildcard host * is not allowed for virtual services bound to the mesh gateway");
        allValid = false;
      }
    }
    if (!allValid) {
      return;
    }
    for (int i = 0; i < hosts.size(); i++) {
      for (int j = i + 1; j < hosts.size(); j++) {
        if (hostsMatch(hosts.get(i), hosts.get(j))) {
          findings.error("spec.hosts", "duplicate hosts in virtual service: " + hosts.get(i) + " & " + hosts.get(j));
        }
      }
    }
  }

  /** istiod's host.Name.Matches: equal, or one wildcard covering the other (case-insensitive). */
  static boolean hostsMatch(String a, String b) {
    String x = a.toLowerCase(java.util.Locale.ROOT);
    String y = b.toLowerCase(java.util.Locale.ROOT);
    boolean xWild = x.startsWith("*");
    boolean yWild = y.startsWith("*");
    if (xWild && !yWild) {
      return y.endsWith(x.substring(1));
    }
    if (yWild && !xWild) {
      return x.endsWith(y.substring(1));
    }
    if (xWild) {
      return x.length() <= y.length() ? y.endsWith(x.substring(1)) : x.endsWith(y.substring(1));
    }
    return x.equals(y);
  }

  /** istiod's subset test: {@code a} is covered by {@code b}. */
  static boolean hostSubsetOf(String a, String b) {
    String x = a.toLowerCase(java.util.Locale.ROOT);
    String y = b.toLowerCase(java.util.Locale.ROOT);
    if (y.startsWith("*")) {
      return x.startsWith("*") ? x.substring(1).endsWith(y.substring(1)) : x.endsWith(y.substring(1));
    }
    return !x.startsWith("*") && x.equals(y);
  }

  private static void jwtClaimRoutes(HttpRoute route, String path, Findings findings) {
    for (int m = 0; m < route.match().size(); m++) {
      HttpMatchRequest match = route.match().get(m);
      if (match == null) {
        continue;
      }
      for (String key : new TreeMap<>(match.headers()).keySet()) {
        if (key.startsWith("@request.auth.claims")) {
          findings.error(path + ".match[" + m + "].headers",
              "JWT claim based routing (key: " + key + ") is only supported for gateway");
        }
      }
      for (String key : new TreeMap<>(match.withoutHeaders()).keySet()) {
        if (key.startsWith("@request.auth.claims")) {
          findings.error(path + ".match[" + m + "].withoutHeaders",
              "JWT claim based routing (key: " + key + ") is only supported for gateway");
        }
      }
    }
  }

  private static void httpRoute(HttpRoute route, boolean inDelegate, String path, Findings findings) {
    conflicts(route, inDelegate, path, findings);
    matches(route, path, findings);
    headers(route.headers(), path + ".headers", findings);
    cors(route.corsPolicy(), path + ".corsPolicy", findings);
    fault(route.fault(), path + ".fault", findings);
    if (route.mirrorPercent() != null) {
      if (route.mirrorPercent() > 100) {
        findings.error(path + ".mirrorPercent", "mirror_percent must have a max value of 100 (it has " + route.mirrorPercent() + ")");
      }
      findings.warning(path + ".mirrorPercent", "using deprecated setting \"mirrorPercent\", use \"mirrorPercentage\" instead");
    }
    mirrorPercentage(route.mirrorPercentage(), path + ".mirrorPercentage", findings);
    TrafficRules.destination(route.mirror(), path + ".mirror", findings);
    for (int i = 0; i < route.mirrors().size(); i++) {
      VirtualService.HttpMirrorPolicy mirror = route.mirrors().get(i);
      String at = path + ".mirrors[" + i + "]";
      if (mirror == null || mirror.destination() == null) {
        findings.error(at + ".destination", "destination is required for mirrors");
        continue;
      }
      TrafficRules.destination(mirror.destination(), at + ".destination", findings);
      mirrorPercentage(mirror.percentage(), at + ".percentage", findings);
    }
    redirect(route, path + ".redirect", findings);
    directResponse(route.directResponse(), path + ".directResponse", findings);
    retries(route.retries(), path + ".retries", findings);
    rewrite(route, path + ".rewrite", findings);
    destinations(route, path + ".route", findings);
    duration(route.timeout(), path + ".timeout", findings);
  }

  /**
   * A route does exactly one thing: route, redirect or directResponse, or (in a root VirtualService)
   * delegate; a delegate VirtualService may not delegate again.
   */
  private static void conflicts(HttpRoute route, boolean inDelegate, String path, Findings findings) {
    String name = route.name() == null ? "" : route.name();
    if (!inDelegate && route.delegate() != null) {
      if (route.redirect() != null) {
        findings.error(path, "root HTTP route " + name + " must not specify redirect");
      }
      if (!route.route().isEmpty()) {
        findings.error(path, "root HTTP route " + name + " must not specify route");
      }
      return;
    }
    if (inDelegate && route.delegate() != null) {
      findings.error(path + ".delegate", "delegate HTTP route cannot contain delegate");
    }
    if (route.redirect() != null) {
      if (!route.route().isEmpty()) {
        findings.error(path, "HTTP route cannot contain both route and redirect");
      }
      if (route.fault() != null) {
        findings.error(path, "HTTP route cannot contain both fault and redirect");
      }
      if (route.rewrite() != null) {
        findings.error(path, "HTTP route rule cannot contain both rewrite and redirect");
      }
      if (route.directResponse() != null) {
        findings.error(path, "HTTP route rule cannot contain both direct_response and redirect");
      }
    } else if (route.directResponse() != null) {
      if (!route.route().isEmpty()) {
        findings.error(path, "HTTP route cannot contain both route and direct_response");
      }
      if (route.fault() != null) {
        findings.error(path, "HTTP route cannot contain both fault and direct_response");
      }
      if (route.rewrite() != null) {
        findings.error(path, "HTTP route rule cannot contain both rewrite and direct_response");
      }
    } else if (route.route().isEmpty()) {
      findings.error(path, "HTTP route, redirect or direct_response is required");
    }
    if (route.mirror() != null && !route.mirrors().isEmpty()) {
      findings.error(path, "HTTP route cannot contain both mirror and mirrors");
    }
  }

  private static void matches(HttpRoute route, String path, Findings findings) {
    for (int m = 0; m < route.match().size(); m++) {
      HttpMatchRequest match = route.match().get(m);
      String at = path + ".match[" + m + "]";
      if (match == null) {
        continue;
      }
      for (Map.Entry<String, StringMatch> header : new TreeMap<>(match.headers()).entrySet()) {
        String hp = at + ".headers." + header.getKey();
        if (header.getValue() == null) {
          findings.error(hp, "header match " + header.getKey() + " cannot be null");
        }
        TrafficRules.matchHeaderName(header.getKey(), hp, findings);
        TrafficRules.stringMatch(header.getValue(), hp, findings);
      }
      for (Map.Entry<String, StringMatch> header : new TreeMap<>(match.withoutHeaders()).entrySet()) {
        String hp = at + ".withoutHeaders." + header.getKey();
        TrafficRules.matchHeaderName(header.getKey(), hp, findings);
        if (header.getValue() != null && !"*".equals(header.getValue().regex())) {
          TrafficRules.stringMatch(header.getValue(), hp, findings);
        }
      }
      uriMatch(match.uri(), at + ".uri", findings);
      TrafficRules.stringMatch(match.scheme(), at + ".scheme", findings);
      TrafficRules.stringMatch(match.method(), at + ".method", findings);
      TrafficRules.stringMatch(match.authority(), at + ".authority", findings);
      for (Map.Entry<String, StringMatch> param : new TreeMap<>(match.queryParams()).entrySet()) {
        TrafficRules.stringMatch(param.getValue(), at + ".queryParams." + param.getKey(), findings);
      }
      if (match.port() != null && match.port() != 0) {
        TrafficRules.port(match.port(), at + ".port", findings);
      }
      TrafficRules.labels(match.sourceLabels(), at + ".sourceLabels", findings);
      TrafficRules.gatewayNames(match.gateways(), at + ".gateways", findings);
      if (match.sourceNamespace() != null && !match.sourceNamespace().isEmpty()
          && !DnsNames.isLabel(match.sourceNamespace())) {
        findings.error(at + ".sourceNamespace", "sourceNamespace match " + match.sourceNamespace() + " is invalid");
      }
    }
  }

  /** istiod checks only the regex of a URI match (an empty prefix matches every path there). */
  private static void uriMatch(StringMatch uri, String path, Findings findings) {
    if (uri == null) {
      return;
    }
    atMostOne(path, findings, "exact", uri.exact(), "prefix", uri.prefix(), "regex", uri.regex());
    if (uri.regex() != null) {
      TrafficRules.regex(uri.regex(), path + ".regex", findings);
    }
  }

  private static void headers(VirtualService.Headers headers, String path, Findings findings) {
    if (headers == null) {
      return;
    }
    if (headers.request() != null) {
      String at = path + ".request";
      headers.request().add().forEach((name, value) -> {
        TrafficRules.requestSetHeaderName(name, at + ".add", findings);
        TrafficRules.headerValue(value, at + ".add." + name, findings);
      });
      headers.request().set().forEach((name, value) -> {
        TrafficRules.requestSetHeaderName(name, at + ".set", findings);
        TrafficRules.headerValue(value, at + ".set." + name, findings);
      });
      headers.request().remove().forEach(name -> TrafficRules.headerOperationName(name, at + ".remove", findings));
    }
    if (headers.response() != null) {
      String at = path + ".response";
      headers.response().add().forEach((name, value) -> {
        TrafficRules.headerOperationName(name, at + ".add", findings);
        TrafficRules.headerValue(value, at + ".add." + name, findings);
      });
      headers.response().set().forEach((name, value) -> {
        TrafficRules.headerOperationName(name, at + ".set", findings);
        TrafficRules.headerValue(value, at + ".set." + name, findings);
      });
      headers.response().remove().forEach(name -> TrafficRules.headerOperationName(name, at + ".remove", findings));
    }
  }

  private static void cors(VirtualService.CorsPolicy cors, String path, Findings findings) {
    if (cors == null) {
      return;
    }
    for (int i = 0; i < cors.allowOrigins().size(); i++) {
      StringMatch origin = cors.allowOrigins().get(i);
      String at = path + ".allowOrigins[" + i + "]";
      String value = origin == null ? null
          : origin.exact() != null ? origin.exact() : origin.prefix() != null ? origin.prefix() : origin.regex();
      if (value == null || value.isEmpty()) {
        findings.error(at, "'' is not a valid match type for CORS allow origins");
      } else {
        TrafficRules.stringMatch(origin, at, findings);
      }
    }
    for (String method : cors.allowMethods()) {
      if (!CORS_METHODS.contains(method)) {
        findings.error(path + ".allowMethods", quote(method) + " is not a supported HTTP method");
      }
    }
    for (String name : cors.allowHeaders()) {
      corsHeader(name, path + ".allowHeaders", findings);
    }
    for (String name : cors.exposeHeaders()) {
      corsHeader(name, path + ".exposeHeaders", findings);
    }
    if (cors.maxAge() != null) {
      duration(cors.maxAge(), path + ".maxAge", findings);
      io.meshpilot.registry.GoDurations.parse(cors.maxAge())
          .filter(d -> d.getNano() > 0)
          .ifPresent(d -> findings.error(path + ".maxAge", "max_age duration is accurate only to seconds precision"));
    }
    TrafficRules.oneOf(path + ".unmatchedPreflights", cors.unmatchedPreflights(),
        Set.of("UNSPECIFIED", "FORWARD", "IGNORE"), findings);
  }

  private static void corsHeader(String name, String path, Findings findings) {
    if (!name.equals("*")) {
      TrafficRules.tokenHeaderName(name, path, findings);
    }
  }

  private static void fault(VirtualService.HttpFaultInjection fault, String path, Findings findings) {
    if (fault == null) {
      return;
    }
    if (fault.abort() == null && fault.delay() == null) {
      findings.error(path, "HTTP fault injection must have an abort and/or a delay");
    }
    if (fault.abort() != null) {
      VirtualService.HttpFaultInjection.Abort abort = fault.abort();
      String at = path + ".abort";
      TrafficRules.percentage(abort.percentage(), at + ".percentage", findings);
      atMostOne(at, findings, "httpStatus", abort.httpStatus(), "grpcStatus", abort.grpcStatus(),
          "http2Error", abort.http2Error());
      if (abort.grpcStatus() != null) {
        if (!GRPC_STATUS.contains(abort.grpcStatus())) {
          findings.error(at + ".grpcStatus", "gRPC status " + quote(abort.grpcStatus()) + " is not supported");
        }
      } else if (abort.http2Error() != null) {
        findings.error(at + ".http2Error", "HTTP/2 abort fault injection not supported yet");
      } else if (abort.httpStatus() != null) {
        httpStatus(abort.httpStatus(), at + ".httpStatus", findings);
      } else {
        findings.warning(at, "abort configured, but error type not set");
      }
    }
    if (fault.delay() != null) {
      VirtualService.HttpFaultInjection.Delay delay = fault.delay();
      String at = path + ".delay";
      TrafficRules.percentage(delay.percentage(), at + ".percentage", findings);
      TrafficRules.percent(delay.percent(), at + ".percent", findings);
      duration(delay.fixedDelay(), at + ".fixedDelay", findings);
    }
  }

  private static void httpStatus(int status, String path, Findings findings) {
    if (status < 200 || status > 600) {
      findings.error(path, "HTTP status " + status + " is not in range 200-599");
    }
  }

  private static void mirrorPercentage(Percent percentage, String path, Findings findings) {
    if (percentage == null || percentage.value() == null) {
      return;
    }
    if (percentage.value() > 100) {
      findings.error(path, "mirror percentage must have a max value of 100 (it has " + percentage.value() + ")");
    }
    if (percentage.value() < 0) {
      findings.error(path, "mirror percentage must have a min value of 0 (it has " + percentage.value() + ")");
    }
  }

  private static void redirect(HttpRoute route, String path, Findings findings) {
    VirtualService.HttpRedirect redirect = route.redirect();
    if (redirect == null) {
      return;
    }
    atMostOne(path, findings, "port", redirect.port(), "derivePort", redirect.derivePort());
    if (isEmpty(redirect.uri()) && isEmpty(redirect.authority()) && redirect.port() == null
        && redirect.derivePort() == null && isEmpty(redirect.scheme())) {
      findings.error(path, "redirect must specify URI, authority, scheme, or port");
    }
    if (redirect.redirectCode() != null && redirect.redirectCode() != 0
        && (redirect.redirectCode() < 300 || redirect.redirectCode() > 399)) {
      findings.error(path + ".redirectCode", redirect.redirectCode() + " is not a valid redirect code, must be 3xx");
    }
    if (!isEmpty(redirect.scheme()) && !redirect.scheme().equals("http") && !redirect.scheme().equals("https")) {
      findings.error(path + ".scheme", "invalid redirect scheme, must be \"http\" or \"https\"");
    }
    if (redirect.port() != null && redirect.port() > 0) {
      TrafficRules.port(redirect.port(), path + ".port", findings);
    }
    TrafficRules.oneOf(path + ".derivePort", redirect.derivePort(),
        Set.of("FROM_PROTOCOL_DEFAULT", "FROM_REQUEST_PORT"), findings);
  }

  private static void directResponse(VirtualService.HttpDirectResponse response, String path, Findings findings) {
    if (response == null) {
      return;
    }
    if (response.body() != null) {
      atMostOne(path + ".body", findings, "string", response.body().string(), "bytes", response.body().bytes());
      String body = response.body().string() != null ? response.body().string() : response.body().bytes();
      int size = body == null ? 0 : body.length();
      if (size > MAX_DIRECT_BODY) {
        findings.error(path + ".body", "large direct_responses may impact control plane performance, must be less than 1MB");
      } else if (size > 100 * 1024) {
        findings.warning(path + ".body", "large direct_responses may impact control plane performance");
      }
    }
    httpStatus(response.status() == null ? 0 : response.status(), path + ".status", findings);
  }

  /** istiod's ValidateHTTPRetry: attempts 0 disables retries, so nothing else may be set then. */
  private static void retries(VirtualService.HttpRetry retries, String path, Findings findings) {
    if (retries == null) {
      return;
    }
    int attempts = retries.attempts() == null ? 0 : retries.attempts();
    if (attempts < 0) {
      findings.error(path + ".attempts", "attempts cannot be negative");
    }
    if (attempts == 0 && (retries.perTryTimeout() != null || !isEmpty(retries.retryOn())
        || retries.retryRemoteLocalities() != null)) {
      findings.error(path, "http retry policy configured when attempts are set to 0 (disabled)");
    }
    duration(retries.perTryTimeout(), path + ".perTryTimeout", findings);
    duration(retries.backoff(), path + ".backoff", findings);
    if (!isEmpty(retries.retryOn())) {
      for (String policy : retries.retryOn().split(",", -1)) {
        if (!RETRY_ON.contains(policy) && !isHttpStatus(policy)) {
          findings.error(path + ".retryOn", quote(policy) + " is not a valid retryOn policy");
        }
      }
    }
  }

  /** Go's http.StatusText is non-empty for the registered status codes; any 1xx–5xx code is taken here. */
  private static boolean isHttpStatus(String policy) {
    try {
      int code = Integer.parseInt(policy);
      return code >= 100 && code <= 599;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static void rewrite(HttpRoute route, String path, Findings findings) {
    VirtualService.HttpRewrite rewrite = route.rewrite();
    if (rewrite != null) {
      if (!isEmpty(rewrite.uri()) && rewrite.uriRegexRewrite() != null) {
        findings.error(path, "rewrite may only contain one of URI or UriRegexRewrite");
      } else if (isEmpty(rewrite.uri()) && rewrite.uriRegexRewrite() == null && isEmpty(rewrite.authority())) {
        findings.error(path, "rewrite must specify at least one of URI, UriRegexRewrite, or authority. "
            + "Only one of URI or UriRegexRewrite may be specified");
      } else if (rewrite.uriRegexRewrite() != null) {
        VirtualService.RegexRewrite regex = rewrite.uriRegexRewrite();
        if (isEmpty(regex.match()) || isEmpty(regex.rewrite())) {
          findings.error(path + ".uriRegexRewrite", "UriRegexRewrite requires both Rewrite and Match fields to be specified");
        } else {
          TrafficRules.regex(regex.match(), path + ".uriRegexRewrite.match", findings);
        }
      }
    }
    // The authority may be rewritten once: by rewrite.authority or by one request header set/add.
    String current = rewrite == null || rewrite.authority() == null ? "" : rewrite.authority();
    if (route.headers() != null && route.headers().request() != null) {
      for (Map<String, String> ops : List.of(route.headers().request().set(), route.headers().request().add())) {
        for (Map.Entry<String, String> e : new TreeMap<>(ops).entrySet()) {
          if (!TrafficRules.isAuthorityHeader(e.getKey())) {
            continue;
          }
          if (!current.isEmpty()) {
            findings.error(path, "authority header cannot be set multiple times: have " + quote(current)
                + ", attempting to set " + quote(e.getValue()));
            return;
          }
          current = e.getValue();
        }
      }
    }
  }

  private static void destinations(HttpRoute route, String path, Findings findings) {
    long total = 0;
    for (int i = 0; i < route.route().size(); i++) {
      VirtualService.HttpRouteDestination weighted = route.route().get(i);
      String at = path + "[" + i + "]";
      if (weighted == null) {
        findings.error(at, "weight may not be nil");
        continue;
      }
      destination(weighted.destination(), weighted.weight(), at, findings);
      headers(weighted.headers(), at + ".headers", findings);
      total += weighted.weight() == null ? 0 : weighted.weight();
    }
    if (route.route().size() > 1 && total == 0) {
      findings.error(path, "total destination weight = 0");
    }
  }

  private static void destination(Destination destination, Integer weight, String path, Findings findings) {
    if (destination == null) {
      findings.error(path + ".destination", "destination is required");
    }
    TrafficRules.destination(destination, path + ".destination", findings);
    if (weight != null && weight < 0) {
      findings.error(path + ".weight", "weight " + weight + " < 0");
    }
  }

  private static void routeDestinations(List<RouteDestination> route, String path, Findings findings) {
    long total = 0;
    for (int i = 0; i < route.size(); i++) {
      RouteDestination weighted = route.get(i);
      if (weighted == null) {
        findings.error(path + "[" + i + "]", "weight may not be nil");
        continue;
      }
      destination(weighted.destination(), weighted.weight(), path + "[" + i + "]", findings);
      total += weighted.weight() == null ? 0 : weighted.weight();
    }
    if (route.size() > 1 && total == 0) {
      findings.error(path, "total destination weight = 0");
    }
  }

  private static void tlsRoute(VirtualService vs, VirtualService.TlsRoute tls, String path, Findings findings) {
    if (tls == null) {
      return;
    }
    if (tls.match().isEmpty()) {
      findings.error(path + ".match", "TLS route must have at least one match condition");
    }
    for (int m = 0; m < tls.match().size(); m++) {
      VirtualService.TlsMatchAttributes match = tls.match().get(m);
      String at = path + ".match[" + m + "]";
      if (match == null) {
        findings.error(at, "TLS match may not be null");
        continue;
      }
      if (match.sniHosts().isEmpty()) {
        findings.error(at + ".sniHosts", "TLS match must have at least one SNI host");
      }
      for (String sni : match.sniHosts()) {
        sniHost(vs, sni, at + ".sniHosts", findings);
      }
      l4Match(match.destinationSubnets(), match.port(), match.sourceLabels(), match.gateways(), at, findings);
    }
    if (tls.route().isEmpty()) {
      findings.error(path + ".route", "TLS route is required");
    }
    routeDestinations(tls.route(), path + ".route", findings);
  }

  private static void sniHost(VirtualService vs, String sni, String path, Findings findings) {
    if (DnsNames.wildcardDomainProblem(sni).isPresent()) {
      if (IpLiterals.isIp(sni)) {
        findings.warning(path, "using an IP address (" + quote(sni)
            + ") goes against SNI spec and most clients do not support this");
      } else {
        TrafficRules.wildcardDomain(sni, path, findings);
      }
      return;
    }
    if (vs.hosts().stream().noneMatch(h -> hostSubsetOf(sni, h))) {
      findings.error(path, "SNI host " + quote(sni) + " is not a compatible subset of any of the virtual service hosts: ["
          + String.join(", ", vs.hosts()) + "]");
    }
  }

  private static void tcpRoute(VirtualService.TcpRoute tcp, String path, Findings findings) {
    if (tcp == null) {
      return;
    }
    for (int m = 0; m < tcp.match().size(); m++) {
      VirtualService.L4MatchAttributes match = tcp.match().get(m);
      String at = path + ".match[" + m + "]";
      if (match == null) {
        findings.error(at, "tcp match may not be nil");
        continue;
      }
      l4Match(match.destinationSubnets(), match.port(), match.sourceLabels(), match.gateways(), at, findings);
    }
    if (tcp.route().isEmpty()) {
      findings.error(path + ".route", "TCP route is required");
    }
    routeDestinations(tcp.route(), path + ".route", findings);
  }

  private static void l4Match(List<String> subnets, Integer port, Map<String, String> sourceLabels,
      List<String> gateways, String path, Findings findings) {
    for (String subnet : subnets) {
      if (!IpLiterals.isIp(subnet) && !isCidr(subnet)) {
        findings.error(path + ".destinationSubnets", quote(subnet) + " is not a valid IP or CIDR");
      }
    }
    if (port != null && port != 0) {
      TrafficRules.port(port, path + ".port", findings);
    }
    TrafficRules.labels(sourceLabels, path + ".sourceLabels", findings);
    TrafficRules.gatewayNames(gateways, path + ".gateways", findings);
  }

  private static boolean isCidr(String value) {
    int slash = value.indexOf('/');
    if (slash < 0 || !IpLiterals.isIp(value.substring(0, slash))) {
      return false;
    }
    try {
      int bits = Integer.parseInt(value.substring(slash + 1));
      return bits >= 0 && bits <= (value.contains(":") ? 128 : 32);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static boolean isEmpty(String value) {
    return value == null || value.isEmpty();
  }
}
