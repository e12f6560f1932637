package io.meshpilot.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code meshpilot proxy-config trace}: follows one outbound request through a proxy's config as
 * Envoy would (listener, filter chain, route configuration, virtual host, route, cluster,
 * endpoints) and says at which hop, and why, it would leave the mesh or be dropped. Routes are
 * tried in order against the request's path, headers, query and method ({@link RouteMatcher}); the
 * matched route's VirtualService, rewrites, timeout, retries, mirrors and weighted split are shown,
 * each weighted cluster followed to its subset and endpoints.
 */
final class RequestTrace {
  static final String VIRTUAL_OUTBOUND = "virtualOutbound";
  private static final String WILDCARD = "0.0.0.0";
  private static final String LOCALHOST = "127.0.0.1";

  private final ConfigDump dump;
  private final TraceTarget target;
  private final TraceRequest request;
  private final List<Hop> hops = new ArrayList<>();
  private Optional<String> destinationIp = Optional.empty();

  /** One line of the trace: what was looked at ({@code listener}, {@code route}, ...) and what was found. */
  record Hop(String kind, String text) {
    String render() {
      return String.format("%-11s %s", kind, text);
    }
  }

  private RequestTrace(ConfigDump dump, TraceTarget target, TraceRequest request) {
    this.dump = dump;
    this.target = target;
    this.request = request;
  }

  /** A plain GET of {@code target}. */
  static List<Hop> trace(ConfigDump dump, TraceTarget target) {
    return trace(dump, target, TraceRequest.get(target));
  }

  /** {@code request} sent to {@code target}: routes are matched against its method, headers and query. */
  static List<Hop> trace(ConfigDump dump, TraceTarget target, TraceRequest request) {
    RequestTrace trace = new RequestTrace(dump, target, request);
    trace.run();
    return List.copyOf(trace.hops);
  }

  static String render(List<Hop> hops) {
    StringBuilder out = new StringBuilder();
    hops.forEach(h -> out.append(h.render()).append('\n'));
    return out.toString();
  }

  private void hop(String kind, String text) {
    hops.add(new Hop(kind, text));
  }

  private void run() {
    destinationIp = target.hostIsIp() ? Optional.of(target.host()) : serviceAddress();
    destinationIp.filter(ip -> !target.hostIsIp())
        .ifPresent(ip -> hop("address", target.host() + " → " + ip + " (the service's VIP in this config)"));
    Optional<JsonNode> listener = pickListener();
    if (listener.isEmpty()) {
      hop("dropped", "no listener for port " + target.port() + " and no " + VIRTUAL_OUTBOUND
          + " listener: the connection is refused (is traffic captured for this proxy?)");
      return;
    }
    String listenerName = listener.get().path("name").asText();
    boolean viaCatchAll = listenerName.equals(VIRTUAL_OUTBOUND) && ListenerTable.port(listener.get()) != target.port();
    FilterChainMatcher.Connection connection = new FilterChainMatcher.Connection(target.port(), destinationIp,
        target.tls() && !target.hostIsIp() ? target.host() : "",
        target.tls() ? "tls" : "raw_buffer",
        target.http() && hasHttpInspector(listener.get()) ? List.of("http/1.1") : List.of());
    Optional<FilterChainMatcher.Choice> choice = FilterChainMatcher.choose(listener.get(), connection);
    if (choice.isEmpty()) {
      hop("listener", listenerName);
      hop("dropped", "no filter chain of " + listenerName + " matches and it has no default chain: Envoy closes the connection");
      return;
    }
    JsonNode chain = choice.get().chain();
    String chainText = chainLabel(choice.get());
    Optional<JsonNode> hcm = filter(chain, true);
    Optional<JsonNode> tcp = filter(chain, false);
    if (hcm.isPresent() && target.http()) {
      JsonNode config = hcm.get().path("typedConfig");
      String rds = config.path("rds").path("routeConfigName").asText();
      hop("listener", listenerName + "  (" + chainText + ", http_connection_manager, "
          + (rds.isEmpty() ? "inline route" : "route " + rds) + ")");
      Optional<JsonNode> routeConfig = config.path("routeConfig").isObject()
          ? Optional.of(config.path("routeConfig")) : dump.routeConfig(rds);
      if (routeConfig.isEmpty()) {
        hop("dropped", "route configuration " + rds + " is not in the config: Envoy waits for it (the listener stays warming)");
        return;
      }
      routeHttp(routeConfig.get(), rds.isEmpty() ? "inline" : rds);
    } else if (tcp.isPresent()) {
      String cluster = tcp.get().path("typedConfig").path("cluster").asText();
      hop("listener", listenerName + "  (" + chainText + ", tcp_proxy → " + cluster + ")");
      if (viaCatchAll) {
        hop("note", "no listener for " + destinationText() + ": " + VIRTUAL_OUTBOUND + "'s catch-all chain takes it");
      }
      if (cluster.isEmpty()) {
        hop("note", "tcp_proxy splits over weighted clusters: " + tcp.get().path("typedConfig").path("weightedClusters"));
        return;
      }
      cluster(cluster);
    } else {
      hop("listener", listenerName + "  (" + chainText + ")");
      hop("dropped", "the chain has neither an HTTP connection manager nor a tcp_proxy this trace can follow");
    }
  }

  private String destinationText() {
    return destinationIp.orElse(target.host()) + ":" + target.port();
  }

  /** The exact {@code <ip>_<port>} listener, the wildcard, the NONE-mode loopback one, else virtualOutbound. */
  private Optional<JsonNode> pickListener() {
    List<JsonNode> listeners = dump.listeners();
    List<String> addresses = new ArrayList<>();
    destinationIp.ifPresent(addresses::add);
    addresses.add(WILDCARD);
    addresses.add(LOCALHOST);
    for (String address : addresses) {
      for (JsonNode l : listeners) {
        if (ListenerTable.port(l) == target.port()
            && l.path("address").path("socketAddress").path("address").asText().equals(address)
            && !l.path("name").asText().equals(VIRTUAL_OUTBOUND)) {
          return Optional.of(l);
        }
      }
    }
    return listeners.stream().filter(l -> l.path("name").asText().equals(VIRTUAL_OUTBOUND)).findFirst();
  }

  /** A hostname's VIP as this config knows it: a VIP listener of its cluster, or an IP domain of its virtual host. */
  private Optional<String> serviceAddress() {
    String suffix = "|" + target.port() + "||" + target.host();
    for (JsonNode l : dump.listeners()) {
      String address = l.path("address").path("socketAddress").path("address").asText();
      if (address.equals(WILDCARD) || address.equals(LOCALHOST) || ListenerTable.port(l) != target.port()) {
        continue;
      }
      for (JsonNode chain : ListenerTable.chains(l)) {
        if (filter(chain, false).map(f -> f.path("typedConfig").path("cluster").asText().endsWith(suffix)).orElse(false)) {
          return Optional.of(address);
        }
      }
    }
    for (JsonNode config : dump.routeConfigs()) {
      for (JsonNode host : config.path("virtualHosts")) {
        List<String> domains = ListenerTable.strings(host.path("domains"));
        if (domains.stream().anyMatch(d -> d.equalsIgnoreCase(target.host()))) {
          Optional<String> ip = domains.stream().filter(RequestTrace::isIpLiteral)
              .map(d -> d.startsWith("[") ? d.substring(1, d.length() - 1) : d).findFirst();
          if (ip.isPresent()) {
            return ip;
          }
        }
      }
    }
    return Optional.empty();
  }

  private static boolean isIpLiteral(String domain) {
    return domain.startsWith("[") || (!domain.isEmpty() && domain.chars().allMatch(c -> c == '.' || Character.isDigit(c)));
  }

  private static boolean hasHttpInspector(JsonNode listener) {
    for (JsonNode f : listener.path("listenerFilters")) {
      if (f.path("name").asText().endsWith("http_inspector")
          || f.path("typedConfig").path("@type").asText().endsWith(".HttpInspector")) {
        return true;
      }
    }
    return false;
  }

  private static Optional<JsonNode> filter(JsonNode chain, boolean hcm) {
    for (JsonNode f : chain.path("filters")) {
      if (hcm ? ListenerTable.isHcm(f) : ListenerTable.isTcpProxy(f)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  private static String chainLabel(FilterChainMatcher.Choice choice) {
    String name = choice.chain().path("name").asText();
    String label = choice.isDefault() ? "default filter chain" : "filter chain " + choice.index();
    return name.isEmpty() ? label : label + " \"" + name + "\"";
  }

  private void routeHttp(JsonNode routeConfig, String routeName) {
    String authority = request.authority();
    String hostForMatch = routeConfig.path("ignorePortInHostMatching").asBoolean() ? stripPort(authority) : authority;
    Optional<VhostMatch> vhost = virtualHost(routeConfig, hostForMatch);
    if (vhost.isEmpty()) {
      hop("route", routeName + " → no virtual host matches Host \"" + authority + "\"");
      hop("dropped", "Envoy answers 404 (NR: no route)");
      return;
    }
    JsonNode host = vhost.get().host();
    String vhostName = host.path("name").asText();
    hop("route", routeName + " → virtual host " + vhostName + " (domain \"" + vhost.get().domain() + "\")");
    Optional<JsonNode> route = matchRoute(host.path("routes"));
    if (route.isEmpty()) {
      hop("dropped", "no route of " + vhostName + " matches " + request.method() + " " + request.path()
          + ": Envoy answers 404 (NR: no route)");
      return;
    }
    boolean catchAll = vhostName.equals("allow_any") || vhostName.equals("block_all");
    JsonNode action = route.get().path("route");
    if (route.get().path("directResponse").isObject()) {
      if (catchAll) {
        hop("dropped", "no service matches Host \"" + authority + "\": " + vhostName + " answers "
            + route.get().path("directResponse").path("status").asInt() + " (outboundTrafficPolicy REGISTRY_ONLY)");
      } else {
        hop("response", "direct response " + RouteActionText.directResponse(route.get().path("directResponse")));
      }
      return;
    }
    if (route.get().path("redirect").isObject()) {
      hop("redirect", RouteActionText.redirect(route.get().path("redirect")));
      return;
    }
    if (catchAll) {
      hop("note", "no service matches Host \"" + authority + "\": " + vhostName
          + " passes it on unchanged (outboundTrafficPolicy ALLOW_ANY)");
    }
    RouteActionText.rewrite(route.get().path("match"), action, request.path()).ifPresent(r -> hop("rewrite", r));
    RouteActionText.timeout(action).ifPresent(t -> hop("timeout", t));
    RouteActionText.retries(action).ifPresent(r -> hop("retries", r));
    RouteActionText.mirrors(action).forEach(m -> hop("mirror", m));
    if (action.path("cluster").isTextual()) {
      cluster(action.path("cluster").asText());
    } else if (action.path("weightedClusters").isObject()) {
      JsonNode weighted = action.path("weightedClusters").path("clusters");
      long total = 0;
      for (JsonNode w : weighted) {
        total += w.path("weight").asLong();
      }
      hop("split", weighted.size() + " weighted clusters, total weight " + total);
      for (JsonNode w : weighted) {
        long weight = w.path("weight").asLong();
        hop("weight", weight + " (" + RouteActionText.percent(weight, total) + ") → " + w.path("name").asText());
        cluster(w.path("name").asText());
      }
    } else if (action.path("clusterHeader").isTextual()) {
      String header = action.path("clusterHeader").asText();
      hop("note", "the cluster comes from request header " + header
          + request.header(header).map(v -> ": " + v).orElse(", which this request does not have"));
      request.header(header).ifPresent(this::cluster);
    } else {
      hop("dropped", "the route has no cluster to send to");
    }
  }

  private record VhostMatch(JsonNode host, String domain) {}

  /** Envoy's order: exact domain, then the longest {@code *.suffix}, then the longest {@code prefix.*}, then {@code *}. */
  private static Optional<VhostMatch> virtualHost(JsonNode routeConfig, String hostHeader) {
    String h = hostHeader.toLowerCase(Locale.ROOT);
    VhostMatch suffix = null;
    int suffixLength = -1;
    VhostMatch prefix = null;
    int prefixLength = -1;
    VhostMatch any = null;
    for (JsonNode host : routeConfig.path("virtualHosts")) {
      for (String domain : ListenerTable.strings(host.path("domains"))) {
        String d = domain.toLowerCase(Locale.ROOT);
        if (d.equals("*")) {
          if (any == null) {
            any = new VhostMatch(host, domain);
          }
        } else if (d.startsWith("*")) {
          String rest = d.substring(1);
          if (h.length() > rest.length() && h.endsWith(rest) && rest.length() > suffixLength) {
            suffix = new VhostMatch(host, domain);
            suffixLength = rest.length();
          }
        } else if (d.endsWith("*")) {
          String start = d.substring(0, d.length() - 1);
          if (h.length() > start.length() && h.startsWith(start) && start.length() > prefixLength) {
            prefix = new VhostMatch(host, domain);
            prefixLength = start.length();
          }
        } else if (d.equals(h)) {
          return Optional.of(new VhostMatch(host, domain));
        }
      }
    }
    return Optional.ofNullable(suffix != null ? suffix : prefix != null ? prefix : any);
  }

  /** The first route whose match holds, as Envoy's router picks it; one line per route passed over. */
  private Optional<JsonNode> matchRoute(JsonNode routes) {
    int index = 0;
    for (JsonNode route : routes) {
      index++;
      RouteMatcher.Verdict verdict = RouteMatcher.evaluate(route.path("match"), request);
      String label = "#" + index + " " + describeRoute(route);
      if (!verdict.matched()) {
        hop("no match", label + ": " + verdict.failed());
        continue;
      }
      hop("match", label + ": " + RouteMatcher.describe(route.path("match")));
      verdict.assumed().forEach(a -> hop("note", "not evaluated, assumed to hold: " + a));
      return Optional.of(route);
    }
    return Optional.empty();
  }

  /** {@code "jason" (VirtualService reviews.default)}: the route's name as istiod names it, and its config. */
  private static String describeRoute(JsonNode route) {
    String name = route.path("name").asText();
    String config = Management.describe(route.path("metadata"));
    String label = name.isEmpty() ? "(unnamed)" : "\"" + name + "\"";
    return config.isEmpty() ? label : label + " (VirtualService " + config + ")";
  }

  private static String stripPort(String authority) {
    if (authority.startsWith("[")) {
      int end = authority.indexOf(']');
      return authority.substring(0, end + 1);
    }
    int colon = authority.lastIndexOf(':');
    return colon < 0 ? authority : authority.substring(0, colon);
  }

  /** {@code EDS, subset v2, DestinationRule reviews.default}: the type, and what istiod made the cluster from. */
  private static String clusterDetails(String name, String type, JsonNode cluster) {
    List<String> details = new ArrayList<>(List.of(type));
    SubsetKey key = SubsetKey.of(name);
    if (key.parsed() && !key.subset().isEmpty()) {
      details.add("subset " + key.subset());
    }
    String rule = Management.describe(cluster.path("metadata"));
    if (!rule.isEmpty()) {
      details.add("DestinationRule " + rule);
    }
    return String.join(", ", details);
  }

  private void cluster(String name) {
    Optional<JsonNode> cluster = dump.cluster(name);
    if (cluster.isEmpty()) {
      hop("cluster", name);
      hop("dropped", "cluster " + name + " is not in the config: Envoy answers 503 (NC: no cluster)");
      return;
    }
    String type = cluster.get().path("type").asText("STATIC");
    hop("cluster", name + "  (" + clusterDetails(name, type, cluster.get()) + ")");
    if (name.equals(ListenerTable.BLACK_HOLE)) {
      hop("dropped", ListenerTable.BLACK_HOLE + " has no endpoints: the request is dropped"
          + " (outboundTrafficPolicy REGISTRY_ONLY, or traffic looping back to 15001)");
      return;
    }
    if (type.equals("ORIGINAL_DST")) {
      hop("endpoints", "the original destination " + (destinationIp.isPresent() ? destinationText()
          : "(wherever " + target.host() + " resolves to), port " + target.port()) + "; not load balanced by the mesh");
      return;
    }
    Optional<JsonNode> assignment = type.equals("EDS")
        ? dump.endpointConfig(cluster.get().path("edsClusterConfig").path("serviceName").asText(name))
        : Optional.of(cluster.get().path("loadAssignment")).filter(JsonNode::isObject);
    if (assignment.isEmpty()) {
      hop("endpoints", type.equals("EDS") ? "none in the config dump (fetched without include_eds?)" : "none");
      return;
    }
    List<String> endpoints = new ArrayList<>();
    for (JsonNode locality : assignment.get().path("endpoints")) {
      String where = EndpointTable.locality(locality.path("locality"));
      for (JsonNode endpoint : locality.path("lbEndpoints")) {
        endpoints.add(EndpointTable.address(endpoint) + " " + EndpointTable.status(endpoint)
            + (where.isEmpty() ? "" : " " + where));
      }
    }
    if (endpoints.isEmpty()) {
      hop("endpoints", "none");
      hop("dropped", "Envoy answers 503 (UH: no healthy upstream)");
      return;
    }
    endpoints.sort(Comparator.naturalOrder());
    hop("endpoints", String.join(", ", endpoints));
  }
}
