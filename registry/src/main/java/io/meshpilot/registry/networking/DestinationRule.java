package io.meshpilot.registry.networking;

import java.util.List;
import java.util.Map;

/**
 * The spec of an Istio DestinationRule (networking.istio.io v1): policies for traffic to one host,
 * and its subsets. Component names are Istio's JSON field names.
 */
public record DestinationRule(String host, TrafficPolicy trafficPolicy, List<Subset> subsets,
    List<String> exportTo, WorkloadSelector workloadSelector) {
  public DestinationRule {
    subsets = Nulls.list(subsets);
    exportTo = Nulls.list(exportTo);
  }

  /** A named version of the host: endpoints with these labels, with its own policy overrides. */
  public record Subset(String name, Map<String, String> labels, TrafficPolicy trafficPolicy) {
    public Subset {
      labels = Nulls.map(labels);
    }
  }

  /** Policies for a host, subset or port. */
  public record TrafficPolicy(LoadBalancerSettings loadBalancer, ConnectionPoolSettings connectionPool,
      OutlierDetection outlierDetection, ClientTlsSettings tls, List<PortTrafficPolicy> portLevelSettings,
      ProxyProtocol proxyProtocol) {
    public TrafficPolicy {
      portLevelSettings = Nulls.list(portLevelSettings);
    }
  }

  /** Policies for one port of the host; they override the rule-level ones field by field. */
  public record PortTrafficPolicy(PortSelector port, LoadBalancerSettings loadBalancer,
      ConnectionPoolSettings connectionPool, OutlierDetection outlierDetection, ClientTlsSettings tls) {}

  /** {@code simple} or {@code consistentHash}, plus locality settings and warmup. */
  public record LoadBalancerSettings(String simple, ConsistentHash consistentHash,
      LocalityLbSetting localityLbSetting, String warmupDurationSecs, Warmup warmup) {}

  /** Hash-based affinity: one of header, cookie, source IP or query parameter; ring hash or Maglev. */
  public record ConsistentHash(String httpHeaderName, HttpCookie httpCookie, Boolean useSourceIp,
      String httpQueryParameterName, RingHash ringHash, Maglev maglev, Long minimumRingSize) {}

  public record HttpCookie(String name, String path, String ttl) {}

  public record RingHash(Long minimumRingSize) {}

  public record Maglev(Long tableSize) {}

  public record Warmup(String duration, Percent minimumPercent, Double aggression) {}

  /** Locality-weighted distribution or failover, as Istio's LocalityLoadBalancerSetting. */
  public record LocalityLbSetting(List<Distribute> distribute, List<Failover> failover,
      List<String> failoverPriority, Boolean enabled) {
    public LocalityLbSetting {
      distribute = Nulls.list(distribute);
      failover = Nulls.list(failover);
      failoverPriority = Nulls.list(failoverPriority);
    }

    public record Distribute(String from, Map<String, Integer> to) {
      public Distribute {
        to = Nulls.map(to);
      }
    }

    public record Failover(String from, String to) {}
  }

  public record ConnectionPoolSettings(Tcp tcp, Http http) {
    public record Tcp(Integer maxConnections, String connectTimeout, TcpKeepalive tcpKeepalive,
        String maxConnectionDuration, String idleTimeout) {}

    public record TcpKeepalive(Integer probes, String time, String interval) {}

    public record Http(Integer http1MaxPendingRequests, Integer http2MaxRequests,
        Integer maxRequestsPerConnection, Integer maxRetries, String idleTimeout, String h2UpgradePolicy,
        Boolean useClientProtocol, Integer maxConcurrentStreams) {}
  }

  public record OutlierDetection(Boolean splitExternalLocalOriginErrors, Integer consecutiveLocalOriginFailures,
      Integer consecutiveGatewayErrors, Integer consecutive5xxErrors, String interval, String baseEjectionTime,
      Integer maxEjectionPercent, Integer minHealthPercent) {}

  /** TLS towards the upstream: DISABLE, SIMPLE, MUTUAL (files) or ISTIO_MUTUAL. */
  public record ClientTlsSettings(String mode, String clientCertificate, String privateKey, String caCertificates,
      String credentialName, List<String> subjectAltNames, String sni, Boolean insecureSkipVerify, String caCrl) {
    public ClientTlsSettings {
      subjectAltNames = Nulls.list(subjectAltNames);
    }
  }

  public record ProxyProtocol(String version) {}
}
