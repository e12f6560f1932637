package io.meshpilot.registry.kube;

import java.util.Optional;

/** Finds known pods for endpoint building: by targetRef name, or by IP for endpoints without one. */
public interface PodLookup {
  Optional<PodInfo> byName(String namespace, String name);

  Optional<PodInfo> byIp(String ip);
}
