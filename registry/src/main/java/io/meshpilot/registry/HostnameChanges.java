package io.meshpilot.registry;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The last registry changes to one hostname: to its service definition, to its endpoints, and the
 * last object claiming it that was rejected.
 *
 * @param service the last write or delete that changed the service itself
 * @param endpoints the last write or delete that changed only its endpoints (an EndpointSlice, a
 *     Pod, a ServiceEntry's workloads)
 * @param rejection the last object naming this hostname that the registry refused; whether it is
 *     still refused is in {@link ServiceRegistry#rejections()}
 */
public record HostnameChanges(Optional<ObjectChange> service, Optional<ObjectChange> endpoints,
    Optional<ObjectChange> rejection) {
  /** No change recorded. */
  public static final HostnameChanges NONE = new HostnameChanges(Optional.empty(), Optional.empty(), Optional.empty());

  public HostnameChanges {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(endpoints, "endpoints");
    Objects.requireNonNull(rejection, "rejection");
  }

  /** When the service or its endpoints last changed in the registry, if ever. */
  public Optional<Instant> lastChange() {
    return Stream.of(service, endpoints).flatMap(Optional::stream).map(ObjectChange::at).max(Instant::compareTo);
  }

  HostnameChanges withService(ObjectChange change) {
    return new HostnameChanges(Optional.of(change), endpoints, rejection);
  }

  HostnameChanges withEndpoints(ObjectChange change) {
    return new HostnameChanges(service, Optional.of(change), rejection);
  }

  HostnameChanges withRejection(ObjectChange change) {
    return new HostnameChanges(service, endpoints, Optional.of(change));
  }
}
