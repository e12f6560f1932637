package io.meshpilot.registry.serviceentry;

import io.meshpilot.registry.model.RegistryKind;
import io.meshpilot.registry.model.Resolution;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.model.ServiceAttributes;
import io.meshpilot.registry.model.ServiceVisibility;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Minimal model services for allocator and conflict tests. */
final class Services {
  private Services() {}

  static Service external(String namespace, String hostname) {
    return service(RegistryKind.EXTERNAL, namespace, hostname, hostname, "se", Service.ZERO_TIME, "0.0.0.0",
        Resolution.DNS_LB);
  }

  static Service service(RegistryKind registry, String namespace, String hostname, String name, String objectName,
      Instant created, String defaultAddress, Resolution resolution) {
    ServiceAttributes attributes = new ServiceAttributes(registry, name, namespace, Map.of(), null, ServiceVisibility.PUBLIC, null, null, null,
        null, "", "", false, 0, objectName, 0, false);
    return new Service(attributes, List.of(), List.of(), created, hostname, Map.of(), defaultAddress, "", "", resolution,
        registry == RegistryKind.EXTERNAL, "");
  }
}
