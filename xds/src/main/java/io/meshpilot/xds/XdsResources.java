package io.meshpilot.xds;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.model.Service;
import io.meshpilot.xds.cache.Ref;
import io.meshpilot.xds.cluster.ClusterGenerator;
import io.meshpilot.xds.dns.NameTableBuilder;
import io.meshpilot.xds.dns.NameTableKey;
import io.meshpilot.xds.dns.NameTableProto;
import io.meshpilot.xds.endpoint.ClientLocality;
import io.meshpilot.xds.endpoint.EndpointGenerator;
import io.meshpilot.xds.grpc.GrpcClusterGenerator;
import io.meshpilot.xds.grpc.GrpcEndpointGenerator;
import io.meshpilot.xds.grpc.GrpcListenerGenerator;
import io.meshpilot.xds.grpc.GrpcRouteGenerator;
import io.meshpilot.xds.listener.ListenerGenerator;
import io.meshpilot.xds.listener.TracingTags;
import io.meshpilot.xds.proxy.InterceptionMode;
import io.meshpilot.xds.proxy.InvalidProxyException;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.proxy.ProxyParser;
import io.meshpilot.xds.route.RouteGenerator;
import io.meshpilot.xds.server.ClusterNames;
import io.meshpilot.xds.server.EncodedResource;
import io.meshpilot.xds.server.PushRequest;
import io.meshpilot.xds.server.ResourcePart;
import io.meshpilot.xds.server.ResourceSet;
import io.meshpilot.xds.server.ResourceSource;
import io.meshpilot.xds.server.XdsType;
import io.meshpilot.xds.view.AppliedDestinationRule;
import io.meshpilot.xds.view.InboundConnectionPools;
import io.meshpilot.xds.view.ProxyScope;
import io.meshpilot.xds.view.PushContext;
import io.meshpilot.xds.view.ServiceTarget;
import io.meshpilot.xds.view.SidecarIngress;
import io.meshpilot.xds.view.SidecarScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the ADS server from the generators and the current {@link PushContext}. A sidecar's
 * config is its scope's shared parts (outbound clusters and listeners, endpoints, routes: built,
 * encoded and hashed once per push for every proxy of the same {@link ProxyScope}) plus its own
 * small inbound part; the generators underneath reuse unchanged resources across pushes through
 * the context's resource cache. A part whose content did not change keeps its instance from the
 * previous push, so comparing what a proxy holds with what it should hold costs nothing then.
 * Proxyless gRPC clients (GENERATOR=grpc) get the {@code grpc} generators, by name for every type.
 * The DNS name table (NDS) is one per {@link NameTableKey} and push, for sidecars and gRPC clients alike.
 */
public final class XdsResources implements ResourceSource {
  private static final Logger LOG = LoggerFactory.getLogger(XdsResources.class);

  private static final String VIRTUAL_SERVICE = "VirtualService";
  private static final String DESTINATION_RULE = "DestinationRule";

  private volatile PushContext current;
  private volatile PushContext previous;
  private volatile Memo memo;
  // push scoping's answers for the request being pushed
  private volatile HostnameReach reach;

  public XdsResources(PushContext initial) {
    this.current = initial;
    this.memo = new Memo(initial, null, null);
  }

  /** Makes {@code next} the context proxies are served from; the one before stays for push scoping. */
  public synchronized void advance(PushContext next) {
    previous = current;
    current = next;
  }

  /** The context proxies are served from now. */
  public PushContext current() {
    return current;
  }

  @Override
  public Proxy proxy(Node node) throws InvalidProxyException {
    return ProxyParser.parse(node);
  }

  /**
   * A push reaches a proxy when a changed hostname is in its Sidecar scope now or was before (a
   * deleted service must leave its config), or names a service in its own namespace (its inbound
   * side); when a changed Sidecar is the one its scope comes from now or came from before; when a
   * changed VirtualService shapes its routes now or did before (visible in its namespace, directly
   * or as a delegate of one that is); when a changed DestinationRule applies, now or before, to a
   * service in its Sidecar scope (as istiod's SidecarScope depends on it: exportTo and the
   * namespace lookup order decide) or to the service its inbound cluster serves; and for any other
   * changed Istio config.
   */
  @Override
  public boolean affects(PushRequest request, Proxy proxy) {
    if (request.global()) {
      return true;
    }
    PushContext pushNow = current;
    PushContext before = previous;
    if (!request.configs().isEmpty() && configsAffect(request, proxy, pushNow, before)) {
      return true;
    }
    if (request.hostnames().isEmpty()) {
      return false;
    }
    HostnameReach memo = reach;
    if (memo == null || memo.request != request || memo.now != pushNow || memo.before != before) {
      memo = new HostnameReach(request, pushNow, before, new ConcurrentHashMap<>());
      reach = memo;
    }
    // Proxies of one scope answer alike, so it is asked once per scope: in a namespace where no
    // Sidecar selects by labels, the namespace is the scope (found without working out the scope).
    String namespace = proxy.namespace();
    Object key = namespace;
    if (pushNow.sidecarSelectsByLabels(namespace) || (before != null && before.sidecarSelectsByLabels(namespace))) {
      key = new ReachKey(pushNow.sidecarScope(proxy).id(), Optional.ofNullable(before).map(b -> b.sidecarScope(proxy).id()));
    }
    return memo.answers.computeIfAbsent(key, k -> seesAny(request.hostnames(), namespace, pushNow.sidecarScope(proxy),
        Optional.ofNullable(before).map(b -> b.sidecarScope(proxy))));
  }

  /** True when one of the request's changed Istio configs shapes what the proxy gets. */
  private static boolean configsAffect(PushRequest request, Proxy proxy, PushContext pushNow, PushContext before) {
    String namespace = proxy.namespace();
    SidecarScope now = pushNow.sidecarScope(proxy);
    Optional<SidecarScope> then = Optional.ofNullable(before).map(b -> b.sidecarScope(proxy));
    for (ObjectKey config : request.configs()) {
      if (config.kind().equals(SidecarScope.KIND)) {
        if (now.from(config) || then.filter(s -> s.from(config)).isPresent()) {
          return true;
        }
      } else if (config.kind().equals(VIRTUAL_SERVICE)) {
        if (pushNow.virtualServices().shapes(config, namespace)
            || (before != null && before.virtualServices().shapes(config, namespace))) {
          return true;
        }
      } else if (config.kind().equals(DESTINATION_RULE)) {
        if (shapedBy(config, pushNow, now, proxy)
            || (before != null && shapedBy(config, before, then.orElseThrow(), proxy))) {
          return true;
        }
      } else {
        return true;
      }
    }
    return false;
  }

  /** True when a proxy of this namespace and scope (now or in the push before) sees one of the hostnames. */
  private static boolean seesAny(Set<String> hostnames, String namespace, SidecarScope now, Optional<SidecarScope> then) {
    String ownDomain = "." + namespace + ".svc.";
    for (String hostname : hostnames) {
      if (now.service(hostname).isPresent() || then.flatMap(s -> s.service(hostname)).isPresent()
          || hostname.contains(ownDomain)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The answers of {@link #affects} for one push request, by scope: a namespace, or a {@link ReachKey}
   * where Sidecars select by labels.
   */
  private record HostnameReach(PushRequest request, PushContext now, PushContext before,
      Map<Object, Boolean> answers) {}

  private record ReachKey(SidecarScope.Id now, Optional<SidecarScope.Id> then) {}

  /** True when the DestinationRule shapes the proxy's outbound config (its scope) or its inbound clusters. */
  private static boolean shapedBy(ObjectKey rule, PushContext push, SidecarScope scope, Proxy proxy) {
    return push.destinationRuleShapes(rule, scope) || push.destinationRuleShapesInbound(rule, proxy);
  }

  @Override
  public ResourceSet generate(Proxy proxy, XdsType type, Set<String> names) {
    PushContext push = current;
    Memo m = memoFor(push);
    if (type == XdsType.NAME_TABLE) {
      return ResourceSet.of(m.part(NameTableKey.of(proxy),
          () -> List.of(NameTableProto.message(NameTableBuilder.build(proxy, push)))));
    }
    if (proxy.proxyless()) {
      return ResourceSet.ofMessages(grpc(m, push, proxy, type, names));
    }
    ProxyScope scope = m.scope(proxy);
    return switch (type) {
      case CLUSTER -> ResourceSet.of(List.of(
          m.part(new PartKey(type, scope), () -> ClusterGenerator.outbound(proxy, push)),
          own(push, type, proxy, () -> ClusterGenerator.inbound(proxy, push))));
      case LISTENER -> ResourceSet.of(List.of(
          m.part(new ListenerPartKey(scope, TracingTags.of(proxy)), () -> ListenerGenerator.outbound(proxy, push)),
          own(push, type, proxy, () -> ListenerGenerator.inbound(proxy, push))));
      case ENDPOINT -> ResourceSet.of(m.named(type, scope, m.locality(proxy), names,
          name -> EndpointGenerator.generate(name, proxy, push)));
      case ROUTE -> ResourceSet.of(m.named(type, scope, ClientLocality.NONE, names,
          name -> RouteGenerator.generate(name, proxy, push)));
      case NAME_TABLE -> throw new IllegalStateException("answered above");
    };
  }

  /**
   * What the ADS server would send the proxy now for one type, as messages (config dumps, tests):
   * the same instances that go on the wire.
   */
  public List<? extends Message> messages(Proxy proxy, XdsType type, Set<String> names) {
    return generate(proxy, type, names).messages();
  }

  /**
   * The proxy's own part (inbound clusters or listeners), cached across pushes by what it is built
   * from, so an unchanged proxy is not re-encoded on every push.
   */
  private static ResourcePart own(PushContext push, XdsType type, Proxy proxy, Supplier<List<? extends Message>> build) {
    List<SidecarIngress> ingress = SidecarIngress.of(push.sidecarScope(proxy), proxy);
    boolean hasIngress = !push.sidecarScope(proxy).ingress().isEmpty();
    if (proxy.interceptionMode() == InterceptionMode.NONE && !hasIngress) {
      return ResourcePart.EMPTY;
    }
    List<TargetKey> targets = hasIngress ? List.of()
        : push.serviceTargets(proxy).stream().map(t -> TargetKey.of(t, push)).toList();
    TracingTags tracing = type == XdsType.LISTENER ? TracingTags.of(proxy) : null;
    return push.cache().get(new OwnKey(type, proxy.interceptionMode(), targets, hasIngress, ingress,
        push.sidecarScope(proxy).inboundConnectionPools(), tracing), () -> ResourcePart.of(build.get()));
  }

  /**
   * A proxy's own part depends on its interception mode, either its service targets or, when its
   * Sidecar has ingress listeners, those as it serves them, the connection pools its Sidecar sets
   * on inbound clusters, and, for its listeners, its tracing tags (null for clusters).
   */
  private record OwnKey(XdsType type, InterceptionMode mode, List<TargetKey> targets, boolean hasIngress,
      List<SidecarIngress> ingress, InboundConnectionPools pools, TracingTags tracing) {}

  /** A service target and the DestinationRule whose connection pool its inbound cluster takes (or null). */
  private record TargetKey(Ref<Service> service, int port, int targetPort, AppliedDestinationRule rule) {
    static TargetKey of(ServiceTarget target, PushContext push) {
      return new TargetKey(Ref.to(target.service()), target.port().port(), target.targetPort(),
          push.destinationRules().forInbound(target.service()).orElse(null));
    }
  }

  private static List<? extends Message> grpc(Memo m, PushContext push, Proxy proxy, XdsType type, Set<String> names) {
    // DestinationRules with a workloadSelector shape clusters, endpoints and route hash policies
    ProxyScope scope = m.scope(proxy);
    return switch (type) {
      case CLUSTER -> names.isEmpty()
          ? m.lists.computeIfAbsent(new Key("grpc-cds", "", Shape.visibility(proxy, scope)),
              k -> GrpcClusterGenerator.all(proxy, push))
          : named(m, "grpc-cds", names, Shape.visibility(proxy, scope),
              name -> GrpcClusterGenerator.generate(name, proxy, push));
      case LISTENER -> names.isEmpty()
          ? m.lists.computeIfAbsent(new Key("grpc-lds", "", Shape.of(proxy, scope)),
              k -> GrpcListenerGenerator.all(proxy, push))
          : names.stream().sorted()
              // a server's inbound listener depends on its workload; a channel's only on its namespace
              .flatMap(name -> named(m, "grpc-lds", Set.of(name),
                  GrpcListenerGenerator.isServerListener(name) ? Shape.of(proxy, scope) : Shape.routes(proxy, scope),
                  n -> GrpcListenerGenerator.generate(n, proxy, push)).stream())
              .toList();
      case ENDPOINT -> names.stream().sorted()
          .map(name -> m.lists.computeIfAbsent(new Key("grpc-eds", name, Shape.endpoints(proxy, scope, m.locality(proxy))),
              k -> List.of(GrpcEndpointGenerator.generate(name, proxy, push))).getFirst())
          .toList();
      case ROUTE -> names.stream().sorted()
          .map(name -> m.lists.computeIfAbsent(new Key("grpc-rds", name, Shape.routes(proxy, scope)),
              k -> List.of(GrpcRouteGenerator.generate(name, proxy, push))).getFirst())
          .toList();
      case NAME_TABLE -> throw new IllegalStateException("answered in generate");
    };
  }

  /** The resources that exist among the requested names, each generated once per push and shape. */
  private static List<? extends Message> named(Memo m, String type, Set<String> names, Shape shape,
      Function<String, Optional<? extends Message>> generate) {
    return names.stream().sorted()
        .flatMap(name -> m.lists.computeIfAbsent(new Key(type, name, shape),
            k -> generate.apply(name).stream().toList()).stream())
        .map(Message.class::cast)
        .toList();
  }

  private Memo memoFor(PushContext push) {
    Memo m = memo;
    if (m.push != push) {
      synchronized (this) {
        if (memo.push != push) {
          memo = new Memo(push, memo, endpointChangesSince(memo.push, push));
        }
        m = memo;
      }
    }
    return m;
  }

  /**
   * The hostnames whose endpoints are all that differ between two contexts, when {@code next} was
   * derived from {@code before} by an endpoints-only push; null when anything else may differ.
   */
  private static Set<String> endpointChangesSince(PushContext before, PushContext next) {
    return next.endpointChanges()
        .filter(changes -> changes.fromVersion().equals(before.version()))
        .map(PushContext.EndpointChanges::hostnames)
        .orElse(null);
  }

  /** A shared part: one type for one scope. */
  private record PartKey(XdsType type, ProxyScope scope) {}

  /** The shared outbound listeners: one scope's, for proxies whose connection managers trace alike. */
  private record ListenerPartKey(ProxyScope scope, TracingTags tracing) {}

  /**
   * A named set of one type for one scope (EDS and RDS watch lists); endpoints also for the proxy's
   * locality when locality load balancing shapes some ({@link ClientLocality#NONE} otherwise).
   */
  private record NamedKey(XdsType type, ProxyScope scope, ClientLocality locality, Set<String> names) {}

  /** A named set by the identity of its (shared) name set. */
  private record NamedRefKey(XdsType type, ProxyScope scope, ClientLocality locality, Ref<Set<String>> names) {}

  /** One named resource for one scope (and locality, as in {@link NamedKey}). */
  private record NameKey(XdsType type, ProxyScope scope, ClientLocality locality, String name) {}

  /** What one push context has built, shared by every proxy it serves. */
  private static final class Memo {
    final PushContext push;
    // The previous push's parts: an unchanged part keeps its instance.
    final Map<Object, ResourcePart> before;
    final Map<Object, ResourcePart> parts = new ConcurrentHashMap<>();
    final Map<NameKey, Optional<Message>> single = new ConcurrentHashMap<>();
    final Map<Key, List<? extends Message>> lists = new ConcurrentHashMap<>();
    final Map<Ref<Proxy>, ProxyScope> scopes = new ConcurrentHashMap<>();
    final Map<Ref<Proxy>, ClientLocality> localities = new ConcurrentHashMap<>();
    final Map<NamedRefKey, ResourcePart> byNameSet = new ConcurrentHashMap<>();
    // When only these hostnames' endpoints changed since the previous push: the endpoint
    // assignments of other hostnames are taken from its parts as they are. Null: rebuild all.
    final Set<String> endpointsChanged;
    // The previous push's scopes and localities, where they still hold after an endpoints-only
    // push: a scope unless a headless service's endpoints (own addresses) changed; a locality when
    // no locality load balancing applies (else it comes from the proxy's own endpoint). Only one
    // push back, so proxies gone since are not kept.
    private final Map<Ref<Proxy>, ProxyScope> earlierScopes;
    private final Map<Ref<Proxy>, ClientLocality> earlierLocalities;

    /** @param previous the memo of the push before, or null */
    Memo(PushContext push, Memo previous, Set<String> endpointsChanged) {
      this.push = push;
      this.before = previous == null ? Map.of() : previous.parts;
      this.endpointsChanged = endpointsChanged;
      boolean sameConfig = previous != null && endpointsChanged != null;
      this.earlierLocalities = sameConfig ? previous.localities : Map.of();
      this.earlierScopes = sameConfig && java.util.Collections.disjoint(endpointsChanged, push.passthroughHostnames())
          ? previous.scopes : Map.of();
    }

    ResourcePart part(Object key, Supplier<List<? extends Message>> build) {
      return parts.computeIfAbsent(key, k -> reuse(k, ResourcePart.of(build.get())));
    }

    /** The named resources (sorted by name), each built once per push; one that fails is left out. */
    ProxyScope scope(Proxy proxy) {
      return scopes.computeIfAbsent(Ref.to(proxy), p -> {
        ProxyScope earlier = earlierScopes.get(p);
        return earlier != null ? earlier : ProxyScope.of(proxy, push);
      });
    }

    /** What of the proxy its endpoints depend on in this push. */
    ClientLocality locality(Proxy proxy) {
      return localities.computeIfAbsent(Ref.to(proxy), p -> {
        ClientLocality earlier = earlierLocalities.get(p);
        return earlier == ClientLocality.NONE ? earlier : ClientLocality.forEndpoints(proxy, push);
      });
    }

    ResourcePart named(XdsType type, ProxyScope scope, ClientLocality locality, Set<String> names,
        Function<String, Message> build) {
      // Proxies of a scope watch one shared name set (see Subscription.shareNames): found by identity
      // first, without hashing a thousand names on every request.
      NamedRefKey byIdentity = new NamedRefKey(type, scope, locality, Ref.to(names));
      ResourcePart known = byNameSet.get(byIdentity);
      if (known != null) {
        return known;
      }
      ResourcePart part = namedByValue(type, scope, locality, names, build);
      // keyed by the part's own name set only: a proxy's request copy must not be kept alive here
      byNameSet.putIfAbsent(new NamedRefKey(type, scope, locality, Ref.to(part.names())), part);
      return part;
    }

    private ResourcePart namedByValue(XdsType type, ProxyScope scope, ClientLocality locality, Set<String> names,
        Function<String, Message> build) {
      return parts.computeIfAbsent(new NamedKey(type, scope, locality, names), k -> {
        ResourcePart earlier = type == XdsType.ENDPOINT && endpointsChanged != null ? before.get(k) : null;
        // (a part that left a name out is rebuilt: that name is tried again)
        if (earlier != null && earlier.size() == names.size()) {
          Optional<ResourcePart> updated = withChangedEndpoints(earlier, type, scope, locality, build);
          if (updated.isPresent()) {
            return updated.get();
          }
        }
        List<EncodedResource> resources = new ArrayList<>(names.size());
        for (String name : new TreeSet<>(names)) {
          EncodedResource kept = earlier == null || endpointsChanged.contains(ClusterNames.hostname(name))
              ? null : earlier.get(name);
          if (kept != null) {
            resources.add(kept);
          } else {
            single.computeIfAbsent(new NameKey(type, scope, locality, name), n -> generateOne(type, name, build))
                .map(EncodedResource::of)
                .ifPresent(resources::add);
          }
        }
        return reuse(k, ResourcePart.ofEncoded(resources, names));
      });
    }

    /**
     * The earlier push's part with only the changed hostnames' assignments regenerated, in place:
     * an endpoints-only push costs what changed, not the thousand assignments a scope watches.
     * Empty when one of them cannot be built (the caller rebuilds the part, leaving it out).
     */
    private Optional<ResourcePart> withChangedEndpoints(ResourcePart earlier, XdsType type, ProxyScope scope,
        ClientLocality locality, Function<String, Message> build) {
      List<EncodedResource> regenerated = new ArrayList<>();
      for (EncodedResource resource : earlier.resources()) {
        if (!endpointsChanged.contains(ClusterNames.hostname(resource.name()))) {
          continue;
        }
        Optional<Message> message = single.computeIfAbsent(new NameKey(type, scope, locality, resource.name()),
            n -> generateOne(type, resource.name(), build));
        if (message.isEmpty()) {
          return Optional.empty();
        }
        regenerated.add(EncodedResource.of(message.get()));
      }
      return Optional.of(earlier.replacing(regenerated));
    }

    private ResourcePart reuse(Object key, ResourcePart fresh) {
      ResourcePart old = before.get(key);
      return old != null && old.hash().equals(fresh.hash()) ? old : fresh;
    }

    private static Optional<Message> generateOne(XdsType type, String name, Function<String, Message> build) {
      try {
        return Optional.of(build.apply(name));
      } catch (RuntimeException e) {
        // One resource that cannot be built is left out; the rest of the response still goes. The
        // generator has reported it (one log line when it starts failing, /debug/rejectedz).
        LOG.debug("{} {} left out: generating it failed: {}", type.logName(), name, e.toString());
        return Optional.empty();
      }
    }
  }

  private record Key(String type, String name, Shape shape) {}

  /**
   * The proxy attributes a gRPC resource depends on; proxies with equal shapes get identical
   * resources. Every shape names the Sidecar scope, since it decides what the proxy sees.
   */
  private record Shape(String namespace, String clusterId, String dnsDomain, String mode, String generator,
      Map<String, String> labels, List<String> ips, List<ObjectKey> selectingRules, SidecarScope.Id sidecar,
      ClientLocality locality) {
    static Shape of(Proxy p, ProxyScope scope) {
      return new Shape(p.namespace(), p.clusterId(), p.dnsDomain(), p.interceptionMode().name(), p.generator(),
          p.labels(), p.instanceIps(), scope.selectingRules(), scope.sidecar(), ClientLocality.NONE);
    }

    static Shape visibility(Proxy p, ProxyScope scope) {
      return new Shape(p.namespace(), p.clusterId(), "", "", p.generator(), Map.of(), List.of(),
          scope.selectingRules(), scope.sidecar(), ClientLocality.NONE);
    }

    /** Endpoints depend on what the proxy sees and, when locality load balancing shapes some, on its locality. */
    static Shape endpoints(Proxy p, ProxyScope scope, ClientLocality locality) {
      return new Shape(p.namespace(), p.clusterId(), "", "", p.generator(), Map.of(), List.of(),
          scope.selectingRules(), scope.sidecar(), locality);
    }

    /** Routes depend on the labels only when they satisfy some VirtualService's source labels. */
    static Shape routes(Proxy p, ProxyScope scope) {
      Map<String, String> labels = scope.routeSelectors().isEmpty() ? Map.of() : p.labels();
      return new Shape(p.namespace(), p.clusterId(), p.dnsDomain(), "", p.generator(), labels, List.of(),
          scope.selectingRules(), scope.sidecar(), ClientLocality.NONE);
    }
  }
}
