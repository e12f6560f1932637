package io.meshpilot.registry.model;

/** Health of one endpoint; the integer codes are istiod's {@code model.HealthStatus}. */
public enum HealthStatus {
  /**
   * Not known: ServiceEntry endpoints (inline, WorkloadEntries, a DNS entry's own host), which istiod
   * builds without a health status. Sent, with no health status on the wire (Envoy takes it as healthy).
   */
  UNKNOWN(0),
  HEALTHY(1),
  UNHEALTHY(2),
  DRAINING(3),
  TERMINATING(4);

  private final int code;

  HealthStatus(int code) {
    this.code = code;
  }

  /** The integer istiod prints in JSON. */
  public int code() {
    return code;
  }
}
