package io.meshpilot.registry.serviceentry;

import io.meshpilot.registry.model.Resolution;

/**
 * ServiceEntry {@code spec.resolution}. The mapping to the model's {@link Resolution} is not the
 * identity (reference §1.5): NONE→Passthrough(2), STATIC→ClientSideLB(0), DNS→DNSLB(1),
 * DNS_ROUND_ROBIN→DNSRoundRobinLB(3), DYNAMIC_DNS→DynamicDNS(5).
 */
public enum SeResolution {
  /** The default: traffic goes to the address the application dialled. */
  NONE(Resolution.PASSTHROUGH),
  /** The endpoints listed (or selected) are used as they are. */
  STATIC(Resolution.CLIENT_SIDE_LB),
  /** The proxy resolves the endpoints (or the hosts) with DNS. */
  DNS(Resolution.DNS_LB),
  /** DNS, one address at a time. */
  DNS_ROUND_ROBIN(Resolution.DNS_ROUND_ROBIN_LB),
  /** Wildcard hosts resolved per request. */
  DYNAMIC_DNS(Resolution.DYNAMIC_DNS);

  private final Resolution model;

  SeResolution(Resolution model) {
    this.model = model;
  }

  /** The model resolution a converted service carries. */
  public Resolution toModel() {
    return model;
  }

  /** True for DNS and DNS_ROUND_ROBIN, the modes that accept hostname endpoints. */
  public boolean isDnsType() {
    return this == DNS || this == DNS_ROUND_ROBIN;
  }
}
