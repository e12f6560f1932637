package io.meshpilot.registry.traffic;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.meshpilot.registry.InvalidObjectException;
import io.meshpilot.registry.networking.IstioKind;
import io.meshpilot.registry.validation.Validation;

/** Builds traffic configs from a spec written in YAML, as a user would write it. */
final class Specs {
  private static final KubernetesSerialization KUBE = new KubernetesSerialization();

  private Specs() {}

  static GenericKubernetesResource resource(IstioKind kind, String specYaml) {
    String indented = specYaml.stripIndent().lines().map(l -> "  " + l).reduce("", (a, b) -> a + b + "\n");
    return KUBE.unmarshal("apiVersion: networking.istio.io/v1\nkind: " + kind.kind()
        + "\nmetadata: {name: test, namespace: shop}\nspec:\n" + indented, GenericKubernetesResource.class);
  }

  static ParsedConfig<?> parse(IstioKind kind, String specYaml) throws InvalidObjectException {
    return TrafficConfigParser.parse(kind, resource(kind, specYaml), "test");
  }

  static Validation validate(IstioKind kind, String specYaml) {
    try {
      return TrafficConfigValidator.validate(parse(kind, specYaml).config());
    } catch (InvalidObjectException e) {
      throw new AssertionError("spec did not parse: " + e.getMessage(), e);
    }
  }
}
