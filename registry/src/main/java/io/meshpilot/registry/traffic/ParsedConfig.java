package io.meshpilot.registry.traffic;

import io.meshpilot.registry.networking.IstioConfig;
import io.meshpilot.registry.networking.StoredConfig;
import java.util.List;

/**
 * A traffic config object read from its Kubernetes form, not yet validated.
 *
 * @param config metadata and the spec record
 * @param stored the same object as {@code /debug/configz} prints it
 * @param unknownFields spec fields meshpilot does not know ({@code spec.trafficPolicy.foo}), ignored
 */
public record ParsedConfig<S>(IstioConfig<S> config, StoredConfig stored, List<String> unknownFields) {
  public ParsedConfig {
    unknownFields = List.copyOf(unknownFields);
  }
}
