package io.meshpilot.debughttp;

import io.micronaut.context.BeanProvider;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.web.router.Router;
import io.meshpilot.registry.Rejection;
import io.meshpilot.registry.ServiceRegistry;
import io.meshpilot.registry.model.Endpoint;
import io.meshpilot.registry.model.Service;
import io.meshpilot.xds.conflict.GenerationConflicts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code /debug/*} views of the registry. As in istiod, the query key {@code pretty} (any
 * value, or none) switches JSON output to four-space indentation.
 */
@Controller("/debug")
@ExecuteOn(TaskExecutors.BLOCKING) // a large registry takes a while to write; keep it off the event loop
final class DebugController {
  static final String PREFIX = "/debug/";

  private final ServiceRegistry registry;
  private final BeanProvider<Router> router; // lazy: the router is built from this controller

  DebugController(ServiceRegistry registry, BeanProvider<Router> router) {
    this.registry = registry;
    this.router = router;
  }

  /** istiod's registryz, optionally narrowed by {@link RegistryzFilter}. */
  @Get(uri = "/registryz", produces = MediaType.APPLICATION_JSON)
  HttpResponse<String> registryz(HttpRequest<?> request) {
    RegistryzFilter filter = RegistryzFilter.fromQuery(request.getParameters().asMap());
    List<Service> services = registry.services();
    if (!filter.isEmpty()) {
      services = services.stream().filter(filter::matches).toList();
    }
    return json(RegistryzJson.write(services, pretty(request)));
  }

  /**
   * istiod's endpoint shards (endpointz has been the same handler since 1.20): hostname → namespace
   * → non-empty shards and service accounts, for every service with endpoints; {@code ?namespace=} keeps one
   * namespace.
   */
  @Get(uris = {"/endpointShardz", "/endpointz"}, produces = MediaType.APPLICATION_JSON)
  HttpResponse<String> endpointShardz(HttpRequest<?> request) {
    Optional<String> namespace = request.getParameters().getFirst("namespace").filter(ns -> !ns.isEmpty());
    Map<String, Map<String, Map<String, List<Endpoint>>>> shards = new HashMap<>();
    for (Service service : registry.services()) {
      String ns = service.attributes().namespace();
      if (namespace.isPresent() && !namespace.get().equals(ns)) {
        continue;
      }
      Map<String, Map<String, List<Endpoint>>> byNamespace =
          shards.computeIfAbsent(service.hostname(), h -> new HashMap<>());
      if (!byNamespace.containsKey(ns)) {
        // istiod drops a shard whose last endpoint went away, and the service with its last shard
        Map<String, List<Endpoint>> serviceShards = new HashMap<>(registry.endpointShards(service.hostname(), ns));
        serviceShards.values().removeIf(List::isEmpty);
        if (!serviceShards.isEmpty()) {
          byNamespace.put(ns, serviceShards);
        }
      }
    }
    shards.values().removeIf(Map::isEmpty);
    return json(EndpointShardzJson.write(shards, pretty(request)));
  }

  /**
   * istiod's configz: every Istio config object held (DestinationRules, ServiceEntries, Sidecars,
   * VirtualServices), by kind, then namespace and name.
   */
  @Get(uri = "/configz", produces = MediaType.APPLICATION_JSON)
  HttpResponse<String> configz(HttpRequest<?> request) {
    return json(ConfigzJson.write(registry.storedConfigs(), pretty(request)));
  }

  /**
   * The objects the registry refused, and the objects whose part of generated config was dropped
   * in a conflict (source {@code xds}), sorted by object.
   */
  @Get(uri = "/rejectedz", produces = MediaType.APPLICATION_JSON)
  HttpResponse<String> rejectedz(HttpRequest<?> request) {
    List<Rejection> rejections = new ArrayList<>(registry.rejections());
    rejections.addAll(GenerationConflicts.shared().rejections());
    rejections.sort(Comparator.comparing(Rejection::object)); // stable: the registry's entry first
    return json(RejectedzJson.write(rejections, pretty(request)));
  }

  /**
   * istiod's debug index: the registered {@code /debug/} names without the prefix, sorted, without
   * {@code list} itself. Read from the router so it cannot drift from the real routes.
   */
  @Get(uri = "/list", produces = MediaType.APPLICATION_JSON)
  HttpResponse<String> list() {
    List<String> names = router.get().uriRoutes()
        .map(route -> route.getUriMatchTemplate().toPathString())
        .filter(path -> path.startsWith(PREFIX))
        .map(path -> path.substring(PREFIX.length()))
        .filter(name -> !name.equals("list") && !name.contains("pprof"))
        .distinct()
        .sorted(GoJsonWriter.GO_STRING_ORDER)
        .toList();
    return json(StringListJson.write(names));
  }

  private static boolean pretty(HttpRequest<?> request) {
    return request.getParameters().contains("pretty");
  }

  private static HttpResponse<String> json(String body) {
    return HttpResponse.ok(body).contentType(MediaType.APPLICATION_JSON_TYPE);
  }
}
