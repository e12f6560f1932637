package io.meshpilot.xds.dump;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.admin.v3.BootstrapConfigDump;
import io.envoyproxy.envoy.admin.v3.ClustersConfigDump;
import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.envoyproxy.envoy.admin.v3.EndpointsConfigDump;
import io.envoyproxy.envoy.admin.v3.ListenersConfigDump;
import io.envoyproxy.envoy.admin.v3.RoutesConfigDump;
import io.envoyproxy.envoy.admin.v3.ScopedRoutesConfigDump;
import io.envoyproxy.envoy.admin.v3.SecretsConfigDump;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.http_inspector.v3.HttpInspector;
import io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst;
import io.envoyproxy.envoy.extensions.filters.listener.original_src.v3.OriginalSrc;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.network.dns_resolver.cares.v3.CaresDnsResolverConfig;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.meshpilot.xds.dns.NameTableProto;
import java.util.List;

/**
 * Protobuf JSON for config dumps (lowerCamelCase names, {@code @type} on every Any), with a type
 * registry that knows every message meshpilot packs into an Any: the admin dump sections, the four
 * xDS resources and the extensions the generators configure. Reading Envoy's own dump needs the
 * same registry; {@link #parser()} ignores fields and Any types it does not know.
 */
public final class ConfigDumpJson {
  /** Every message type that can appear inside an Any in a meshpilot config dump. */
  static final List<Descriptor> PACKED_TYPES = List.of(
      ConfigDump.getDescriptor(),
      BootstrapConfigDump.getDescriptor(),
      ClustersConfigDump.getDescriptor(),
      EndpointsConfigDump.getDescriptor(),
      ListenersConfigDump.getDescriptor(),
      ScopedRoutesConfigDump.getDescriptor(),
      RoutesConfigDump.getDescriptor(),
      SecretsConfigDump.getDescriptor(),
      Cluster.getDescriptor(),
      ClusterLoadAssignment.getDescriptor(),
      Listener.getDescriptor(),
      RouteConfiguration.getDescriptor(),
      NameTableProto.NAME_TABLE,
      HttpConnectionManager.getDescriptor(),
      Router.getDescriptor(),
      TcpProxy.getDescriptor(),
      HttpInspector.getDescriptor(),
      TlsInspector.getDescriptor(),
      OriginalDst.getDescriptor(),
      OriginalSrc.getDescriptor(),
      HttpProtocolOptions.getDescriptor(),
      CaresDnsResolverConfig.getDescriptor(),
      io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext.getDescriptor(),
      io.envoyproxy.envoy.extensions.transport_sockets.proxy_protocol.v3.ProxyProtocolUpstreamTransport.getDescriptor(),
      io.envoyproxy.envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer.getDescriptor(),
      PreviousHostsPredicate.getDescriptor(),
      io.envoyproxy.envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig.getDescriptor(),
      io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault.getDescriptor(),
      io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors.getDescriptor(),
      io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy.getDescriptor(),
      io.envoyproxy.envoy.extensions.filters.http.grpc_stats.v3.FilterConfig.getDescriptor(),
      io.envoyproxy.envoy.extensions.request_id.uuid.v3.UuidRequestIdConfig.getDescriptor(),
      io.envoyproxy.envoy.extensions.filters.network.mongo_proxy.v3.MongoProxy.getDescriptor());

  private static final JsonFormat.TypeRegistry REGISTRY = JsonFormat.TypeRegistry.newBuilder().add(PACKED_TYPES).build();
  private static final JsonFormat.Printer COMPACT = JsonFormat.printer().usingTypeRegistry(REGISTRY)
      .omittingInsignificantWhitespace();
  private static final JsonFormat.Printer PRETTY = JsonFormat.printer().usingTypeRegistry(REGISTRY);

  private ConfigDumpJson() {}

  /** The registry of {@link #PACKED_TYPES} (and, through their files, their dependencies). */
  public static JsonFormat.TypeRegistry typeRegistry() {
    return REGISTRY;
  }

  /**
   * The message as protobuf JSON.
   *
   * @param pretty two-space indentation and line breaks (protobuf's only pretty form); compact otherwise
   * @throws IllegalArgumentException if the message holds an Any of a type outside the registry
   */
  public static String write(MessageOrBuilder message, boolean pretty) {
    try {
      return (pretty ? PRETTY : COMPACT).print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("cannot print " + message.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /** A parser for dumps written by meshpilot or by Envoy's admin {@code /config_dump}. */
  public static JsonFormat.Parser parser() {
    return JsonFormat.parser().usingTypeRegistry(REGISTRY).ignoringUnknownFields();
  }
}
