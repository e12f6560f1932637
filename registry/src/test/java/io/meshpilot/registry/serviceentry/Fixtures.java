package io.meshpilot.registry.serviceentry;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.meshpilot.registry.InvalidObjectException;
import io.meshpilot.registry.RegistryConfig;
import java.util.List;

/** Builds ServiceEntries from YAML the way an operator writes them. */
final class Fixtures {
  static final RegistryConfig CONFIG = RegistryConfig.defaults();
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Fixtures() {}

  /** A whole object, as {@code kubectl get -o yaml} prints it. */
  static GenericKubernetesResource resource(String yaml) {
    return SERIALIZATION.unmarshal(yaml, GenericKubernetesResource.class);
  }

  /** A ServiceEntry {@code ext} in namespace {@code default} with this spec (indented by 2). */
  static ServiceEntry spec(String specYaml) {
    return entry("", specYaml);
  }

  /** A ServiceEntry {@code ext} in namespace {@code default} with these metadata lines and spec. */
  static ServiceEntry entry(String extraMetadata, String specYaml) {
    return entry(extraMetadata, specYaml, "");
  }

  /** The same with a {@code status} (indented by 2), as istiod's IP autoallocate controller writes one. */
  static ServiceEntry entry(String extraMetadata, String specYaml, String statusYaml) {
    String yaml = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata:
          name: ext
          namespace: default
        """ + indent(extraMetadata, "  ") + "spec:\n" + indent(specYaml, "  ")
        + (statusYaml.isEmpty() ? "" : "status:\n" + indent(statusYaml, "  "));
    try {
      return ServiceEntryParser.parse(resource(yaml));
    } catch (InvalidObjectException e) {
      throw new AssertionError("fixture does not parse: " + e.getMessage(), e);
    }
  }

  private static String indent(String text, String prefix) {
    StringBuilder out = new StringBuilder();
    for (String line : text.stripIndent().split("\n")) {
      if (!line.isBlank()) {
        out.append(prefix).append(line).append('\n');
      }
    }
    return out.toString();
  }

  static List<String> errors(ServiceEntry se) {
    return ServiceEntryValidator.validate(se).errors();
  }
}
