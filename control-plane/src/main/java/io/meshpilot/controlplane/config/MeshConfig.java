package io.meshpilot.controlplane.config;

import io.meshpilot.registry.networking.DestinationRule.ConnectionPoolSettings.TcpKeepalive;
import io.meshpilot.registry.networking.DestinationRule.LocalityLbSetting;
import io.meshpilot.registry.networking.VirtualService.HttpRetry;
import io.meshpilot.xds.MeshSettings;
import io.meshpilot.xds.OutboundTrafficPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The subset of Istio's MeshConfig meshpilot reads, with istiod's defaults (not the proto zero values).
 *
 * @param outboundTrafficPolicyMode {@code ALLOW_ANY} (default) or {@code REGISTRY_ONLY}
 * @param defaultServiceExportTo visibility of services without their own exportTo, {@code ["*"]}
 * @param rootNamespace the config root / system namespace, {@code istio-system}
 * @param trustDomain the SPIFFE trust domain, {@code cluster.local}
 * @param defaultDestinationRuleExportTo visibility of DestinationRules without their own exportTo, {@code ["*"]}
 * @param defaultVirtualServiceExportTo visibility of VirtualServices without their own exportTo, {@code ["*"]}
 * @param localityLbSetting locality load balancing for clusters whose DestinationRule sets none,
 *     {@code {enabled: true}}
 * @param connectTimeout the upstream connect timeout of every cluster without a DestinationRule's, 10 s
 * @param tcpKeepalive SO_KEEPALIVE settings for every cluster's upstream connections; none by default
 * @param defaultHttpRetryPolicy the retry policy of HTTP routes without a VirtualService's; empty for
 *     istiod's built-in one
 */
public record MeshConfig(
    OutboundTrafficPolicy outboundTrafficPolicyMode,
    List<String> defaultServiceExportTo,
    String rootNamespace,
    String trustDomain,
    List<String> defaultDestinationRuleExportTo,
    List<String> defaultVirtualServiceExportTo,
    LocalityLbSetting localityLbSetting,
    Duration connectTimeout,
    Optional<TcpKeepalive> tcpKeepalive,
    Optional<HttpRetry> defaultHttpRetryPolicy) {
  /** istiod's {@code connectTimeout} when MeshConfig sets none. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  public MeshConfig {
    Objects.requireNonNull(outboundTrafficPolicyMode, "outboundTrafficPolicyMode");
    defaultServiceExportTo = defaultServiceExportTo == null || defaultServiceExportTo.isEmpty()
        ? List.of("*") : List.copyOf(defaultServiceExportTo);
    rootNamespace = rootNamespace == null || rootNamespace.isEmpty() ? "istio-system" : rootNamespace;
    trustDomain = trustDomain == null || trustDomain.isEmpty() ? "cluster.local" : trustDomain;
    defaultDestinationRuleExportTo = defaultDestinationRuleExportTo == null || defaultDestinationRuleExportTo.isEmpty()
        ? List.of("*") : List.copyOf(defaultDestinationRuleExportTo);
    defaultVirtualServiceExportTo = defaultVirtualServiceExportTo == null || defaultVirtualServiceExportTo.isEmpty()
        ? List.of("*") : List.copyOf(defaultVirtualServiceExportTo);
    localityLbSetting = localityLbSetting == null ? MeshSettings.DEFAULT_LOCALITY_LB : localityLbSetting;
    connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
    tcpKeepalive = tcpKeepalive == null ? Optional.empty() : tcpKeepalive;
    defaultHttpRetryPolicy = defaultHttpRetryPolicy == null ? Optional.empty() : defaultHttpRetryPolicy;
  }

  /** The visibility and locality fields, with istiod's defaults for the upstream ones. */
  public MeshConfig(OutboundTrafficPolicy outboundTrafficPolicyMode, List<String> defaultServiceExportTo,
      String rootNamespace, String trustDomain, List<String> defaultDestinationRuleExportTo,
      List<String> defaultVirtualServiceExportTo, LocalityLbSetting localityLbSetting) {
    this(outboundTrafficPolicyMode, defaultServiceExportTo, rootNamespace, trustDomain, defaultDestinationRuleExportTo,
        defaultVirtualServiceExportTo, localityLbSetting, DEFAULT_CONNECT_TIMEOUT, Optional.empty(), Optional.empty());
  }

  /**
   * The fields other than DestinationRule and VirtualService visibility, locality load balancing
   * and the upstream defaults, which keep istiod's defaults.
   */
  public MeshConfig(OutboundTrafficPolicy outboundTrafficPolicyMode, List<String> defaultServiceExportTo,
      String rootNamespace, String trustDomain) {
    this(outboundTrafficPolicyMode, defaultServiceExportTo, rootNamespace, trustDomain, List.of("*"), List.of("*"),
        null);
  }

  /** istiod's {@code DefaultMeshConfig} for these fields. */
  public static MeshConfig defaults() {
    return new MeshConfig(OutboundTrafficPolicy.ALLOW_ANY, List.of("*"), "istio-system", "cluster.local");
  }

  /** The settings config generation uses, with the domain suffix given on the command line. */
  public MeshSettings toMeshSettings(String domainSuffix) {
    return new MeshSettings(outboundTrafficPolicyMode, defaultServiceExportTo, domainSuffix, connectTimeout,
        rootNamespace, defaultDestinationRuleExportTo, defaultVirtualServiceExportTo, localityLbSetting, tcpKeepalive,
        defaultHttpRetryPolicy);
  }
}
