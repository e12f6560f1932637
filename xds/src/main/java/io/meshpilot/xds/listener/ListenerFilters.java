package io.meshpilot.xds.listener;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilterChainMatchPredicate;
import io.envoyproxy.envoy.extensions.filters.listener.http_inspector.v3.HttpInspector;
import io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst;
import io.envoyproxy.envoy.extensions.filters.listener.original_src.v3.OriginalSrc;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.type.v3.Int32Range;
import java.util.List;

/** Listener filters and filter-chain match helpers shared by the listener builders. */
final class ListenerFilters {
  static final List<String> HTTP_ALPNS = List.of("http/1.1", "h2c");
  static final String RAW_BUFFER = "raw_buffer";
  /** The mark iptables uses to route TPROXY replies back through Envoy. */
  private static final int TPROXY_MARK = 1337;

  private ListenerFilters() {}

  static ListenerFilter httpInspector() {
    return ListenerFilter.newBuilder()
        .setName("envoy.filters.listener.http_inspector")
        .setTypedConfig(Any.pack(HttpInspector.getDefaultInstance()))
        .build();
  }

  static ListenerFilter tlsInspector() {
    return ListenerFilter.newBuilder()
        .setName("envoy.filters.listener.tls_inspector")
        .setTypedConfig(Any.pack(TlsInspector.newBuilder()
            .setInitialReadBufferSize(com.google.protobuf.UInt32Value.of(512)).build()))
        .build();
  }

  static ListenerFilter originalDst() {
    return ListenerFilter.newBuilder()
        .setName("envoy.filters.listener.original_dst")
        .setTypedConfig(Any.pack(OriginalDst.getDefaultInstance()))
        .build();
  }

  static ListenerFilter originalSrc() {
    return ListenerFilter.newBuilder()
        .setName("envoy.filters.listener.original_src")
        .setTypedConfig(Any.pack(OriginalSrc.newBuilder().setMark(TPROXY_MARK).build()))
        .build();
  }

  /** {@code 10.0.0.0/16} as a CIDR range. */
  static CidrRange cidr(String cidr) {
    int slash = cidr.indexOf('/');
    return CidrRange.newBuilder()
        .setAddressPrefix(cidr.substring(0, slash))
        .setPrefixLen(com.google.protobuf.UInt32Value.of(Integer.parseInt(cidr.substring(slash + 1))))
        .build();
  }

  /** A predicate matching connections to any of these ports (istiod's listenerPredicateExcludePorts). */
  static ListenerFilterChainMatchPredicate onPorts(List<Integer> ports) {
    if (ports.size() == 1) {
      return portPredicate(ports.get(0));
    }
    ListenerFilterChainMatchPredicate.MatchSet.Builder any = ListenerFilterChainMatchPredicate.MatchSet.newBuilder();
    ports.forEach(p -> any.addRules(portPredicate(p)));
    return ListenerFilterChainMatchPredicate.newBuilder().setOrMatch(any).build();
  }

  /** A predicate matching connections to any port but these. */
  static ListenerFilterChainMatchPredicate offPorts(List<Integer> ports) {
    return ListenerFilterChainMatchPredicate.newBuilder().setNotMatch(onPorts(ports)).build();
  }

  private static ListenerFilterChainMatchPredicate portPredicate(int port) {
    return ListenerFilterChainMatchPredicate.newBuilder()
        .setDestinationPortRange(Int32Range.newBuilder().setStart(port).setEnd(port + 1))
        .build();
  }
}
