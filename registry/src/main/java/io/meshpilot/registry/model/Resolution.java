package io.meshpilot.registry.model;

/** How a client reaches a service's endpoints; the integer codes are istiod's {@code model.Resolution}. */
public enum Resolution {
  /** The proxy load-balances over the endpoints it was given (ClusterIP, ServiceEntry STATIC). */
  CLIENT_SIDE_LB(0),
  /** The proxy resolves the hostname with DNS (ServiceEntry DNS). */
  DNS_LB(1),
  /** Traffic goes to the original destination (headless Service, ServiceEntry NONE). */
  PASSTHROUGH(2),
  /** DNS, but one connection-level address at a time (ServiceEntry DNS_ROUND_ROBIN). */
  DNS_ROUND_ROBIN_LB(3),
  /** A Kubernetes ExternalName Service: an alias of another hostname. */
  ALIAS(4),
  /** ServiceEntry DYNAMIC_DNS: wildcard hosts resolved per request. */
  DYNAMIC_DNS(5);

  private final int code;

  Resolution(int code) {
    this.code = code;
  }

  /** The integer istiod prints in JSON. */
  public int code() {
    return code;
  }
}
