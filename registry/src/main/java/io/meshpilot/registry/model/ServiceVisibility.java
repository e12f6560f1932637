package io.meshpilot.registry.model;

/**
 * The scope MeshConfig {@code serviceEntryVisibility} resolves for a ServiceEntry's services; the
 * integer codes are istiod's {@code model.ServiceVisibility} (registryz {@code Attributes.Visibility}).
 * Kubernetes services, and every service when the mesh sets no {@code serviceEntryVisibility}, are
 * {@link #PUBLIC}.
 */
public enum ServiceVisibility {
  /** Visible as its exportTo says (istiod's zero value and the legacy behaviour). */
  PUBLIC(0),
  /** Visible only in the ServiceEntry's own namespace. */
  NAMESPACE(1),
  /** Visible to no proxy. */
  NONE(2);

  private final int code;

  ServiceVisibility(int code) {
    this.code = code;
  }

  /** The integer istiod prints in JSON. */
  public int code() {
    return code;
  }
}
