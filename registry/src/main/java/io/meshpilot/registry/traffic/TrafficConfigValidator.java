package io.meshpilot.registry.traffic;

import io.meshpilot.registry.networking.DestinationRule;
import io.meshpilot.registry.networking.IstioConfig;
import io.meshpilot.registry.networking.Sidecar;
import io.meshpilot.registry.networking.VirtualService;
import io.meshpilot.registry.validation.Validation;

/** Validates a parsed traffic config with the rules of its kind. */
public final class TrafficConfigValidator {
  private TrafficConfigValidator() {}

  public static Validation validate(IstioConfig<?> config) {
    return switch (config.spec()) {
      case DestinationRule rule -> DestinationRuleValidator.validate(config.namespace(), rule);
      case VirtualService vs -> VirtualServiceValidator.validate(config.namespace(), vs);
      case Sidecar sidecar -> SidecarValidator.validate(config.namespace(), sidecar);
      default -> throw new IllegalArgumentException("not a traffic config: " + config.spec().getClass());
    };
  }
}
