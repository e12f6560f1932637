package io.meshpilot.xds.conflict;

import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.model.RegistryKind;
import io.meshpilot.registry.model.Service;
import java.util.Objects;

/**
 * One object's part of generated config dropped because another object already holds it.
 *
 * @param loser the object whose contribution was dropped
 * @param reason what was dropped, in which resource, and which object kept it
 */
public record Conflict(ObjectKey loser, String reason) {
  public Conflict {
    Objects.requireNonNull(loser, "loser");
    Objects.requireNonNull(reason, "reason");
  }

  /**
   * The source object of a service: its ServiceEntry, or its Kubernetes Service.
   */
  public static ObjectKey objectOf(Service service) {
    String namespace = service.attributes().namespace();
    return service.attributes().registry() == RegistryKind.KUBERNETES
        ? new ObjectKey("Service", namespace, service.attributes().name())
        : new ObjectKey("ServiceEntry", namespace, service.attributes().objectName());
  }

  /** A resource of this service that could not be generated: it is left out, the rest still goes. */
  public static Conflict generationFailed(Service service, String resource, RuntimeException error) {
    return new Conflict(objectOf(service), resource + " not generated, left out: " + error);
  }

  /** {@code ServiceEntry ns/name (host)}: how a reason names the other side. */
  public static String describe(Service service) {
    return objectOf(service) + " (" + service.hostname() + ")";
  }
}
