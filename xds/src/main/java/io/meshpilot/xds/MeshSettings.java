package io.meshpilot.xds;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The mesh-wide settings config generation depends on, read once at start-up.
 *
 * @param outboundTrafficPolicy ALLOW_ANY (istiod's default) or REGISTRY_ONLY
 * @param defaultServiceExportTo visibility of services without their own exportTo, {@code ["*"]}
 * @param domainSuffix the cluster domain, {@code cluster.local}
 * @param connectTimeout upstream connect timeout, 10 s
 * @param defaultVirtualServiceExportTo visibility of VirtualServices without their own exportTo,
 *     {@code ["*"]} (MeshConfig {@code defaultVirtualServiceExportTo})
 */
public record MeshSettings(
    OutboundTrafficPolicy outboundTrafficPolicy,
    List<String> defaultServiceExportTo,
    String domainSuffix,
    Duration connectTimeout,
    List<String> defaultVirtualServiceExportTo) {

  public MeshSettings {
    Objects.requireNonNull(outboundTrafficPolicy, "outboundTrafficPolicy");
    defaultServiceExportTo = defaultServiceExportTo == null || defaultServiceExportTo.isEmpty()
        ? List.of("*") : List.copyOf(defaultServiceExportTo);
    domainSuffix = domainSuffix == null || domainSuffix.isEmpty() ? "cluster.local" : domainSuffix;
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
    defaultVirtualServiceExportTo = defaultVirtualServiceExportTo == null || defaultVirtualServiceExportTo.isEmpty()
        ? List.of("*") : List.copyOf(defaultVirtualServiceExportTo);
  }

  /** Settings with istiod's default VirtualService visibility ({@code *}). */
  public MeshSettings(OutboundTrafficPolicy outboundTrafficPolicy, List<String> defaultServiceExportTo,
      String domainSuffix, Duration connectTimeout) {
    this(outboundTrafficPolicy, defaultServiceExportTo, domainSuffix, connectTimeout, List.of("*"));
  }

  /** istiod's defaults. */
  public static MeshSettings defaults() {
    return new MeshSettings(OutboundTrafficPolicy.ALLOW_ANY, List.of("*"), "cluster.local", Duration.ofSeconds(10));
  }

  /** These settings with another outbound traffic policy. */
  public MeshSettings withOutboundTrafficPolicy(OutboundTrafficPolicy policy) {
    return new MeshSettings(policy, defaultServiceExportTo, domainSuffix, connectTimeout,
        defaultVirtualServiceExportTo);
  }
}
