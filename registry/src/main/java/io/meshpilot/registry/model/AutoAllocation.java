package io.meshpilot.registry.model;

/**
 * Where a ServiceEntry service's {@code autoAllocatedIPv4Address}/{@code autoAllocatedIPv6Address}
 * came from. istiod uses one scheme at a time ({@code PILOT_ENABLE_IP_AUTOALLOCATE}); meshpilot
 * prefers what istiod's controller wrote and falls back to istiod's in-memory scheme, so a mesh moving
 * from istiod keeps its addresses and one that never ran it still gets them.
 */
public enum AutoAllocation {
  /** No auto-allocated address (Kubernetes services, entries with spec.addresses, wildcards, NONE). */
  NONE("none"),
  /** From the ServiceEntry's {@code status.addresses}, as istiod's IP autoallocate controller wrote them. */
  STATUS("status"),
  /** From istiod's deterministic in-memory hash scheme, computed by every replica alike. */
  IN_MEMORY("in-memory");

  private final String wireName;

  AutoAllocation(String wireName) {
    this.wireName = wireName;
  }

  /** The name used on the debug endpoints ({@code /debug/registryz?autoAllocation=}). */
  public String wireName() {
    return wireName;
  }
}
