package io.meshpilot.registry.networking;

import java.util.List;
import java.util.Optional;

/**
 * The networking.istio.io kinds meshpilot reads: their Kubernetes names, and the API versions a
 * cluster may serve them under, newest first (the one spec shape is the same in all of them).
 * Declared in istiod's schema order (alphabetical by kind), the order {@code /debug/configz} lists them in.
 */
public enum IstioKind {
  DESTINATION_RULE("DestinationRule", "destinationrules"),
  SERVICE_ENTRY("ServiceEntry", "serviceentries"),
  SIDECAR("Sidecar", "sidecars"),
  VIRTUAL_SERVICE("VirtualService", "virtualservices"),
  WORKLOAD_ENTRY("WorkloadEntry", "workloadentries");

  /** The API group of every kind here. */
  public static final String GROUP = "networking.istio.io";

  /** The versions looked for in API discovery, in order of preference. */
  public static final List<String> SERVED_VERSIONS = List.of("v1", "v1beta1", "v1alpha3");

  private final String kind;
  private final String plural;

  IstioKind(String kind, String plural) {
    this.kind = kind;
    this.plural = plural;
  }

  /** The Kubernetes kind ({@code DestinationRule}). */
  public String kind() {
    return kind;
  }

  /** The resource name in API paths ({@code destinationrules}). */
  public String plural() {
    return plural;
  }

  /**
   * istiod's canonical apiVersion for the kind ({@code networking.istio.io/v1}), whatever version a
   * source delivered it under: istiod converts every served version to its schema's.
   */
  public String canonicalApiVersion() {
    return GROUP + "/" + SERVED_VERSIONS.get(0);
  }

  /** The kind an object of this kind and apiVersion is, if it is one of these. */
  public static Optional<IstioKind> of(String kind, String apiVersion) {
    if (apiVersion == null || !SERVED_VERSIONS.stream().anyMatch(v -> apiVersion.equals(GROUP + "/" + v))) {
      return Optional.empty();
    }
    for (IstioKind k : values()) {
      if (k.kind.equals(kind)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
