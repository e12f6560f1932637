package io.meshpilot.xds.endpoint;

import io.meshpilot.registry.model.Endpoint;
import java.util.List;
import java.util.Map;

/**
 * The endpoints of a DestinationRule subset: those whose workload labels include all of the
 * subset's labels (istiod's subset filtering for EDS and for inlined STATIC/DNS assignments).
 */
public final class SubsetEndpoints {
  private SubsetEndpoints() {}

  public static List<Endpoint> select(List<Endpoint> endpoints, Map<String, String> labels) {
    if (labels.isEmpty()) {
      return endpoints;
    }
    return endpoints.stream().filter(e -> e.labels().entrySet().containsAll(labels.entrySet())).toList();
  }
}
