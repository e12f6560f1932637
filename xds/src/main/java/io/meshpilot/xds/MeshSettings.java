package io.meshpilot.xds;

import io.meshpilot.registry.networking.DestinationRule.ConnectionPoolSettings.TcpKeepalive;
import io.meshpilot.registry.networking.DestinationRule.LocalityLbSetting;
import io.meshpilot.registry.networking.VirtualService.HttpRetry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The mesh-wide settings config generation depends on, read once at start-up.
 *
 * @param outboundTrafficPolicy ALLOW_ANY (istiod's default) or REGISTRY_ONLY
 * @param defaultServiceExportTo visibility of services without their own exportTo, {@code ["*"]}
 * @param domainSuffix the cluster domain, {@code cluster.local}
 * @param connectTimeout upstream connect timeout, 10 s
 * @param rootNamespace MeshConfig {@code rootNamespace}: the config root (its Sidecar without selector
 *     applies to every namespace without one of its own, its DestinationRules are the last resort);
 *     {@code istio-system}
 * @param defaultDestinationRuleExportTo MeshConfig {@code defaultDestinationRuleExportTo}: visibility
 *     of DestinationRules without their own exportTo, {@code ["*"]}
 * @param defaultVirtualServiceExportTo visibility of VirtualServices without their own exportTo,
 *     {@code ["*"]} (MeshConfig {@code defaultVirtualServiceExportTo})
 * @param localityLbSetting MeshConfig {@code localityLbSetting}: the locality load balancing of
 *     clusters whose DestinationRule sets none; istiod's default {@code {enabled: true}} (failover
 *     then still needs the rule's outlierDetection)
 * @param tcpKeepalive MeshConfig {@code tcpKeepalive}: SO_KEEPALIVE on every outbound, inbound and
 *     passthrough cluster's upstream connections, each field a DestinationRule's overrides; none by default
 * @param defaultHttpRetryPolicy MeshConfig {@code defaultHttpRetryPolicy}: the retry policy of HTTP
 *     routes without their own; empty for istiod's built-in one
 */
public record MeshSettings(
    OutboundTrafficPolicy outboundTrafficPolicy,
    List<String> defaultServiceExportTo,
    String domainSuffix,
    Duration connectTimeout,
    String rootNamespace,
    List<String> defaultDestinationRuleExportTo,
    List<String> defaultVirtualServiceExportTo,
    LocalityLbSetting localityLbSetting,
    Optional<TcpKeepalive> tcpKeepalive,
    Optional<HttpRetry> defaultHttpRetryPolicy) {
  /** istiod's root namespace when MeshConfig names none. */
  public static final String DEFAULT_ROOT_NAMESPACE = "istio-system";

  /** istiod's DefaultMeshConfig {@code localityLbSetting}. */
  public static final LocalityLbSetting DEFAULT_LOCALITY_LB = new LocalityLbSetting(null, null, null, true);

  public MeshSettings {
    Objects.requireNonNull(outboundTrafficPolicy, "outboundTrafficPolicy");
    defaultServiceExportTo = defaultServiceExportTo == null || defaultServiceExportTo.isEmpty()
        ? List.of("*") : List.copyOf(defaultServiceExportTo);
    domainSuffix = domainSuffix == null || domainSuffix.isEmpty() ? "cluster.local" : domainSuffix;
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
    rootNamespace = rootNamespace == null || rootNamespace.isEmpty() ? DEFAULT_ROOT_NAMESPACE : rootNamespace;
    defaultDestinationRuleExportTo = defaultDestinationRuleExportTo == null || defaultDestinationRuleExportTo.isEmpty()
        ? List.of("*") : List.copyOf(defaultDestinationRuleExportTo);
    defaultVirtualServiceExportTo = defaultVirtualServiceExportTo == null || defaultVirtualServiceExportTo.isEmpty()
        ? List.of("*") : List.copyOf(defaultVirtualServiceExportTo);
    localityLbSetting = localityLbSetting == null ? DEFAULT_LOCALITY_LB : localityLbSetting;
    tcpKeepalive = tcpKeepalive == null ? Optional.empty() : tcpKeepalive;
    defaultHttpRetryPolicy = defaultHttpRetryPolicy == null ? Optional.empty() : defaultHttpRetryPolicy;
  }

  /** Settings with istiod's root namespace and DestinationRule and VirtualService visibility defaults. */
  public MeshSettings(OutboundTrafficPolicy outboundTrafficPolicy, List<String> defaultServiceExportTo,
      String domainSuffix, Duration connectTimeout) {
    this(outboundTrafficPolicy, defaultServiceExportTo, domainSuffix, connectTimeout, DEFAULT_ROOT_NAMESPACE,
        List.of("*"), List.of("*"), DEFAULT_LOCALITY_LB, Optional.empty(), Optional.empty());
  }

  /** istiod's defaults. */
  public static MeshSettings defaults() {
    return new MeshSettings(OutboundTrafficPolicy.ALLOW_ANY, List.of("*"), "cluster.local", Duration.ofSeconds(10));
  }

  /** These settings with another outbound traffic policy. */
  public MeshSettings withOutboundTrafficPolicy(OutboundTrafficPolicy policy) {
    return new MeshSettings(policy, defaultServiceExportTo, domainSuffix, connectTimeout, rootNamespace,
        defaultDestinationRuleExportTo, defaultVirtualServiceExportTo, localityLbSetting, tcpKeepalive,
        defaultHttpRetryPolicy);
  }

  /** These settings with another root namespace. */
  public MeshSettings withRootNamespace(String namespace) {
    return new MeshSettings(outboundTrafficPolicy, defaultServiceExportTo, domainSuffix, connectTimeout, namespace,
        defaultDestinationRuleExportTo, defaultVirtualServiceExportTo, localityLbSetting, tcpKeepalive,
        defaultHttpRetryPolicy);
  }

  /** These settings with another mesh-wide locality load balancing setting. */
  public MeshSettings withLocalityLbSetting(LocalityLbSetting setting) {
    return new MeshSettings(outboundTrafficPolicy, defaultServiceExportTo, domainSuffix, connectTimeout, rootNamespace,
        defaultDestinationRuleExportTo, defaultVirtualServiceExportTo, setting, tcpKeepalive, defaultHttpRetryPolicy);
  }

  /** These settings with another upstream connect timeout (MeshConfig {@code connectTimeout}). */
  public MeshSettings withConnectTimeout(Duration timeout) {
    return new MeshSettings(outboundTrafficPolicy, defaultServiceExportTo, domainSuffix, timeout, rootNamespace,
        defaultDestinationRuleExportTo, defaultVirtualServiceExportTo, localityLbSetting, tcpKeepalive,
        defaultHttpRetryPolicy);
  }

  /** These settings with a mesh-wide TCP keepalive (MeshConfig {@code tcpKeepalive}), or none. */
  public MeshSettings withTcpKeepalive(Optional<TcpKeepalive> keepalive) {
    return new MeshSettings(outboundTrafficPolicy, defaultServiceExportTo, domainSuffix, connectTimeout, rootNamespace,
        defaultDestinationRuleExportTo, defaultVirtualServiceExportTo, localityLbSetting, keepalive,
        defaultHttpRetryPolicy);
  }

  /** These settings with a default HTTP retry policy (MeshConfig {@code defaultHttpRetryPolicy}), or istiod's. */
  public MeshSettings withDefaultHttpRetryPolicy(Optional<HttpRetry> retry) {
    return new MeshSettings(outboundTrafficPolicy, defaultServiceExportTo, domainSuffix, connectTimeout, rootNamespace,
        defaultDestinationRuleExportTo, defaultVirtualServiceExportTo, localityLbSetting, tcpKeepalive, retry);
  }
}
