package io.meshpilot.registry.networking;

import java.util.Map;

/**
 * Selects workloads by labels. Sidecar calls the field {@code labels}; DestinationRule (like the
 * security API) calls it {@code matchLabels}. Both bind here; {@link #selector()} is the one to use.
 */
public record WorkloadSelector(Map<String, String> labels, Map<String, String> matchLabels) {
  public WorkloadSelector {
    labels = Nulls.map(labels);
    matchLabels = Nulls.map(matchLabels);
  }

  /** The labels a workload must carry, whichever field spelled them. */
  public Map<String, String> selector() {
    return matchLabels.isEmpty() ? labels : matchLabels;
  }
}
