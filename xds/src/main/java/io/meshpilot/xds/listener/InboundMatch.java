package io.meshpilot.xds.listener;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import java.util.List;

/**
 * One inbound filter chain match as istiod's {@code FilterChainMatchOptions}: which connections
 * (transport protocol, ALPN) a chain of a port takes, and whether it is HTTP or TCP. istiod serves
 * PERMISSIVE without a PeerAuthentication, so a port gets the PERMISSIVE set: plaintext chains, a
 * chain passing plain TLS through (TCP ports), and chains terminating Istio mTLS. meshpilot has no
 * mTLS yet and builds no chain for a {@link #terminatesMtls()} match, but the inspectors still
 * count them, as istiod's do, so every port classifies TLS the same way.
 *
 * @param alpns the application protocols to match; empty matches any
 * @param transportProtocol {@code raw_buffer} or {@code tls}
 * @param protocol how the chain handles the connection: {@link ListenerProtocol#HTTP} or {@link ListenerProtocol#TCP}
 * @param terminatesMtls the chain terminates Istio mTLS (with istiod's ALPNs)
 */
record InboundMatch(List<String> alpns, String transportProtocol, ListenerProtocol protocol, boolean terminatesMtls) {
  static final String TLS = "tls";
  private static final List<String> MTLS_HTTP_ALPNS = List.of("istio-http/1.0", "istio-http/1.1", "istio-h2");
  private static final List<String> MTLS_TCP_ALPNS = List.of("istio-peer-exchange", "istio");
  private static final List<String> ALL_MTLS_ALPNS =
      List.of("istio", "istio-peer-exchange", "istio-http/1.0", "istio-http/1.1", "istio-h2");

  private static final List<InboundMatch> SNIFFED = List.of(
      new InboundMatch(MTLS_HTTP_ALPNS, TLS, ListenerProtocol.HTTP, true),
      new InboundMatch(ListenerFilters.HTTP_ALPNS, ListenerFilters.RAW_BUFFER, ListenerProtocol.HTTP, false),
      new InboundMatch(MTLS_TCP_ALPNS, TLS, ListenerProtocol.TCP, true),
      new InboundMatch(List.of(), ListenerFilters.RAW_BUFFER, ListenerProtocol.TCP, false),
      // one-way TLS from the application (HTTPS without a client sidecar): passed through as TCP
      new InboundMatch(List.of(), TLS, ListenerProtocol.TCP, false));
  private static final List<InboundMatch> HTTP = List.of(
      new InboundMatch(ALL_MTLS_ALPNS, TLS, ListenerProtocol.HTTP, true),
      new InboundMatch(List.of(), ListenerFilters.RAW_BUFFER, ListenerProtocol.HTTP, false));
  private static final List<InboundMatch> TCP = List.of(
      new InboundMatch(ALL_MTLS_ALPNS, TLS, ListenerProtocol.TCP, true),
      new InboundMatch(List.of(), TLS, ListenerProtocol.TCP, false),
      new InboundMatch(List.of(), ListenerFilters.RAW_BUFFER, ListenerProtocol.TCP, false));

  /** istiod's PERMISSIVE matches for a port of this protocol, in its chain order. */
  static List<InboundMatch> permissive(ListenerProtocol protocol) {
    return switch (protocol) {
      case HTTP -> HTTP;
      case TCP -> TCP;
      case AUTO -> SNIFFED;
    };
  }

  /** The chain's match on {@code port}; 0 (the passthrough chains) matches any port. */
  FilterChainMatch toMatch(int port) {
    FilterChainMatch.Builder match = FilterChainMatch.newBuilder()
        .setTransportProtocol(transportProtocol)
        .addAllApplicationProtocols(alpns);
    if (port > 0) {
      match.setDestinationPort(UInt32Value.of(port));
    }
    return match.build();
  }

  /** The chain needs http_inspector: it matches plaintext HTTP by ALPN. */
  boolean sniffsHttp() {
    return alpns.contains("http/1.1") || alpns.contains("h2c");
  }

  /** The chain needs tls_inspector: it matches on TLS. */
  boolean needsTls() {
    return transportProtocol.equals(TLS);
  }
}
