package io.meshpilot.conformance.diff;

/** What a compared resource is: a registryz service, or one xDS type of a proxy's config dump. */
public enum Section {
  REGISTRYZ("registryz service"),
  CLUSTER("cluster"),
  LISTENER("listener"),
  ROUTE("route"),
  ENDPOINT("endpoints");

  private final String label;

  Section(String label) {
    this.label = label;
  }

  /** How the report names a resource of this section. */
  public String label() {
    return label;
  }
}
