package io.meshpilot.xds;

import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources;
import io.meshpilot.xds.cluster.ClusterGenerator;
import io.meshpilot.xds.endpoint.EndpointGenerator;
import io.meshpilot.xds.grpc.GrpcClusterGenerator;
import io.meshpilot.xds.grpc.GrpcEndpointGenerator;
import io.meshpilot.xds.grpc.GrpcListenerGenerator;
import io.meshpilot.xds.grpc.GrpcRouteGenerator;
import io.meshpilot.xds.listener.ListenerGenerator;
import io.meshpilot.xds.proxy.InvalidProxyException;
import io.meshpilot.xds.proxy.Proxy;
import io.meshpilot.xds.proxy.ProxyParser;
import io.meshpilot.xds.route.RouteGenerator;
import io.meshpilot.xds.server.ResourceSource;
import io.meshpilot.xds.view.PushContext;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Serves the ADS server from the generators and the current {@link PushContext}. Within one push,
 * a resource is generated once per distinct set of proxy attributes that shape it and the same
 * instance is handed to every such proxy, so it is also serialised only once. Proxyless gRPC
 * clients (GENERATOR=grpc) get the {@code grpc} generators, by name for every type.
 */
public final class XdsResources implements ResourceSource {
  private final Supplier<PushContext> current;
  private volatile Memo memo = new Memo(null);

  public XdsResources(Supplier<PushContext> current) {
    this.current = current;
  }

  @Override
  public Proxy proxy(Node node) throws InvalidProxyException {
    return ProxyParser.parse(node);
  }

  @Override
  public List<? extends Message> generate(Proxy proxy, String typeUrl, Set<String> names) {
    PushContext push = current.get();
    Memo m = memoFor(push);
    if (proxy.proxyless()) {
      return grpc(m, push, proxy, typeUrl, names);
    }
    return switch (typeUrl) {
      case Resources.V3.CLUSTER_TYPE_URL ->
          m.lists.computeIfAbsent(new Key("cds", "", Shape.of(proxy)), k -> ClusterGenerator.generate(proxy, push));
      case Resources.V3.LISTENER_TYPE_URL ->
          m.lists.computeIfAbsent(new Key("lds", "", Shape.of(proxy)), k -> ListenerGenerator.generate(proxy, push));
      case Resources.V3.ENDPOINT_TYPE_URL -> names.stream().sorted()
          .map(name -> (Message) m.single.computeIfAbsent(new Key("eds", name, Shape.visibility(proxy)),
              k -> EndpointGenerator.generate(name, proxy, push)))
          .toList();
      case Resources.V3.ROUTE_TYPE_URL -> names.stream().sorted()
          .map(name -> (Message) m.single.computeIfAbsent(new Key("rds", name, Shape.routes(proxy)),
              k -> RouteGenerator.generate(name, proxy, push)))
          .toList();
      default -> List.of();
    };
  }

  private static List<? extends Message> grpc(Memo m, PushContext push, Proxy proxy, String typeUrl,
      Set<String> names) {
    return switch (typeUrl) {
      case Resources.V3.CLUSTER_TYPE_URL -> names.isEmpty()
          ? m.lists.computeIfAbsent(new Key("grpc-cds", "", Shape.visibility(proxy)),
              k -> GrpcClusterGenerator.all(proxy, push))
          : named(m, "grpc-cds", names, Shape.visibility(proxy),
              name -> GrpcClusterGenerator.generate(name, proxy, push));
      case Resources.V3.LISTENER_TYPE_URL -> names.isEmpty()
          ? m.lists.computeIfAbsent(new Key("grpc-lds", "", Shape.of(proxy)),
              k -> GrpcListenerGenerator.all(proxy, push))
          : names.stream().sorted()
              // a server's inbound listener depends on its workload; a channel's only on its namespace
              .flatMap(name -> named(m, "grpc-lds", Set.of(name),
                  GrpcListenerGenerator.isServerListener(name) ? Shape.of(proxy) : Shape.routes(proxy),
                  n -> GrpcListenerGenerator.generate(n, proxy, push)).stream())
              .toList();
      case Resources.V3.ENDPOINT_TYPE_URL -> names.stream().sorted()
          .map(name -> (Message) m.single.computeIfAbsent(new Key("grpc-eds", name, Shape.visibility(proxy)),
              k -> GrpcEndpointGenerator.generate(name, proxy, push)))
          .toList();
      case Resources.V3.ROUTE_TYPE_URL -> names.stream().sorted()
          .map(name -> (Message) m.single.computeIfAbsent(new Key("grpc-rds", name, Shape.routes(proxy)),
              k -> GrpcRouteGenerator.generate(name, proxy, push)))
          .toList();
      default -> List.of();
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
          memo = new Memo(push);
        }
        m = memo;
      }
    }
    return m;
  }

  private record Memo(PushContext push, Map<Key, List<? extends Message>> lists, Map<Key, Message> single) {
    Memo(PushContext push) {
      this(push, new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
    }
  }

  private record Key(String type, String name, Shape shape) {}

  /** The proxy attributes a resource depends on; proxies with equal shapes get identical resources. */
  private record Shape(String namespace, String clusterId, String dnsDomain, String mode, String generator,
      Map<String, String> labels, List<String> ips) {
    static Shape of(Proxy p) {
      return new Shape(p.namespace(), p.clusterId(), p.dnsDomain(), p.interceptionMode().name(), p.generator(),
          p.labels(), p.instanceIps());
    }

    static Shape visibility(Proxy p) {
      return new Shape(p.namespace(), p.clusterId(), "", "", p.generator(), Map.of(), List.of());
    }

    static Shape routes(Proxy p) {
      return new Shape(p.namespace(), p.clusterId(), p.dnsDomain(), "", p.generator(), Map.of(), List.of());
    }
  }
}
