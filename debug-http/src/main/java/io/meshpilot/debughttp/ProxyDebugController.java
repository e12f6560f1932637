package io.meshpilot.debughttp;

import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.meshpilot.xds.MeshDiscovery;
import io.meshpilot.xds.dump.ConfigDumpBuilder;
import io.meshpilot.xds.dump.ConfigDumpJson;
import io.meshpilot.xds.dump.ProxyIdPattern;
import io.meshpilot.xds.server.ProxySyncState;
import io.meshpilot.xds.why.WhyReport;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * The per-proxy debug views of the discovery side: {@code /debug/syncz}, {@code /debug/adsz},
 * {@code /debug/config_dump}, {@code /debug/sidecarz} and {@code /debug/why}. A namespace-scoped
 * {@link Caller} sees only proxies of its namespace; any other proxy is answered as not connected, as istiod does.
 */
@Controller("/debug")
@ExecuteOn(TaskExecutors.BLOCKING) // config generation and large proxy lists stay off the event loop
final class ProxyDebugController {
  static final String NO_PROXY_ID = "You must provide a proxyID in the query string\n";
  static final String NO_HOSTNAME = "You must provide a hostname in the query string\n";
  static final String NOT_CONNECTED = "Proxy not connected to this Pilot instance. It may be connected to another instance.\n";
  private static final MediaType TEXT = MediaType.of("text/plain; charset=utf-8");
  /** istiod's SortedClients order: cluster, namespace, proxy id (then connection, for reconnects). */
  private static final Comparator<ProxySyncState> ORDER = Comparator
      .comparing((ProxySyncState p) -> p.proxy().clusterId())
      .thenComparing(p -> p.proxy().namespace())
      .thenComparing(p -> p.proxy().id())
      .thenComparing(ProxySyncState::connectionId);

  private final Optional<MeshDiscovery> discovery;

  ProxyDebugController(DebugSources sources) {
    this.discovery = sources.discovery();
  }

  /**
   * istiod's sync status per connected proxy with meshpilot's per-type status; {@code ?namespace=}
   * keeps the proxies of one namespace, {@code ?proxyID=} those the pattern names.
   */
  @Get(uri = "/syncz", produces = MediaType.APPLICATION_JSON)
  HttpResponse<String> syncz(HttpRequest<?> request) {
    Stream<ProxySyncState> proxies = visible(request);
    Optional<String> namespace = param(request, "namespace");
    if (namespace.isPresent()) {
      proxies = proxies.filter(p -> p.proxy().namespace().equals(namespace.get()));
    }
    Optional<String> proxyId = param(request, "proxyID");
    if (proxyId.isPresent()) {
      proxies = proxies.filter(new ProxyIdPattern(proxyId.get())::matches);
    }
    return json(SynczJson.write(proxies.toList(), pretty(request)));
  }

  /**
   * The connected proxies, their metadata and watches. {@code ?proxyID=} as in istiod picks the
   * first connection whose id contains it (404 if none); a glob picks every match.
   * {@code ?push=true} asks for a full push to every proxy (full-access callers only).
   */
  @Get(uri = "/adsz", produces = MediaType.APPLICATION_JSON)
  HttpResponse<String> adsz(HttpRequest<?> request) {
    if (param(request, "push").filter("true"::equals).isPresent()) {
      if (Caller.of(request).namespace().isPresent()) {
        return HttpResponse.status(HttpStatus.FORBIDDEN);
      }
      discovery.ifPresent(MeshDiscovery::requestFullPush);
      int count = discovery.map(d -> d.syncStatus().connectedCount()).orElse(0);
      return text(HttpStatus.OK, "Pushed to " + count + " servers\n");
    }
    List<ProxySyncState> clients = visible(request).toList();
    Optional<String> proxyId = param(request, "proxyID");
    if (proxyId.isPresent()) {
      ProxyIdPattern pattern = new ProxyIdPattern(proxyId.get());
      Stream<ProxySyncState> matching = clients.stream().filter(pattern::matches);
      clients = pattern.glob() ? matching.toList() : matching.limit(1).toList();
      if (clients.isEmpty()) {
        return text(HttpStatus.NOT_FOUND, NOT_CONNECTED);
      }
    }
    return json(AdszJson.write(clients, pretty(request)));
  }

  /**
   * An Envoy admin ConfigDump of what meshpilot would send the proxy now. {@code ?types=cds,lds,...}
   * gives a flat list of those types' resources instead; {@code ?include_eds} adds endpoints.
   */
  @Get(uri = "/config_dump", produces = MediaType.APPLICATION_JSON)
  HttpResponse<String> configDump(HttpRequest<?> request) {
    return withProxy(request, (mesh, proxy) -> {
      ConfigDumpBuilder builder = new ConfigDumpBuilder(mesh::generate);
      List<String> types = param(request, "types").stream()
          .flatMap(t -> Arrays.stream(t.split(",")))
          .map(String::trim)
          .filter(t -> !t.isEmpty())
          .toList();
      ConfigDump dump = types.isEmpty()
          ? builder.full(proxy.proxy(), mesh.currentContext().version(), request.getParameters().contains("include_eds"))
          : builder.ofTypes(proxy, types);
      return json(ConfigDumpJson.write(dump, pretty(request)));
    });
  }

  /** The Sidecar scope the proxy resolves to now, as istiod's SidecarScope JSON. */
  @Get(uri = "/sidecarz", produces = MediaType.APPLICATION_JSON)
  HttpResponse<String> sidecarz(HttpRequest<?> request) {
    return withProxy(request, (mesh, proxy) -> json(SidecarzJson.write(mesh.sidecarScope(proxy.proxy()), pretty(request))));
  }

  /**
   * Answers for the first connected proxy {@code ?proxyID=} names that the caller may see: 400
   * without the parameter, 404 when none is connected here.
   */
  private HttpResponse<String> withProxy(HttpRequest<?> request,
      BiFunction<MeshDiscovery, ProxySyncState, HttpResponse<String>> answer) {
    Optional<String> proxyId = param(request, "proxyID");
    if (proxyId.isEmpty()) {
      return text(HttpStatus.BAD_REQUEST, NO_PROXY_ID);
    }
    ProxyIdPattern pattern = new ProxyIdPattern(proxyId.get());
    Optional<ProxySyncState> proxy = visible(request).filter(pattern::matches).findFirst();
    if (proxy.isEmpty() || discovery.isEmpty()) {
      return text(HttpStatus.NOT_FOUND, NOT_CONNECTED);
    }
    return answer.apply(discovery.get(), proxy.get());
  }

  /**
   * meshpilot's own {@code /debug/why?proxyID=&hostname=}: where the last change to a hostname
   * stands for the first proxy the pattern names — registry, visibility, push, and per xDS type
   * whether the proxy has it (see {@link WhyJson} for the shape).
   */
  @Get(uri = "/why", produces = MediaType.APPLICATION_JSON)
  HttpResponse<String> why(HttpRequest<?> request) {
    Optional<String> proxyId = param(request, "proxyID");
    if (proxyId.isEmpty()) {
      return text(HttpStatus.BAD_REQUEST, NO_PROXY_ID);
    }
    Optional<String> hostname = param(request, "hostname");
    if (hostname.isEmpty()) {
      return text(HttpStatus.BAD_REQUEST, NO_HOSTNAME);
    }
    ProxyIdPattern pattern = new ProxyIdPattern(proxyId.get());
    Optional<WhyReport> report = visible(request).filter(pattern::matches).findFirst()
        .flatMap(p -> discovery.flatMap(d -> d.why(p.connectionId(), hostname.get())));
    return report.map(r -> json(WhyJson.write(r, pretty(request))))
        .orElseGet(() -> text(HttpStatus.NOT_FOUND, NOT_CONNECTED));
  }

  /** The connected proxies this caller may see, in istiod's order. */
  private Stream<ProxySyncState> visible(HttpRequest<?> request) {
    Caller caller = Caller.of(request);
    return discovery.stream()
        .flatMap(d -> d.syncStatus().proxies().stream())
        .filter(p -> caller.sees(p.proxy().namespace()))
        .sorted(ORDER);
  }

  private static Optional<String> param(HttpRequest<?> request, String name) {
    return request.getParameters().getFirst(name).filter(v -> !v.isEmpty());
  }

  private static boolean pretty(HttpRequest<?> request) {
    return request.getParameters().contains("pretty");
  }

  private static HttpResponse<String> json(String body) {
    return HttpResponse.ok(body).contentType(MediaType.APPLICATION_JSON_TYPE);
  }

  private static HttpResponse<String> text(HttpStatus status, String body) {
    return HttpResponse.<String>status(status).body(body).contentType(TEXT);
  }
}
