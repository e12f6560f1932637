package io.meshpilot.registry.model;

/** Which registry produced a service, printed as {@code Attributes.ServiceRegistry}. */
public enum RegistryKind {
  /** Kubernetes Services (from a cluster or from the config directory). */
  KUBERNETES("Kubernetes"),
  /** ServiceEntries. */
  EXTERNAL("External");

  private final String wireName;

  RegistryKind(String wireName) {
    this.wireName = wireName;
  }

  /** The exact spelling istiod uses. */
  public String wireName() {
    return wireName;
  }
}
