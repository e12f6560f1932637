package io.meshpilot.xds.traffic;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.networking.ConfigMeta;
import io.meshpilot.registry.networking.DestinationRule;
import io.meshpilot.registry.networking.IstioConfig;
import io.meshpilot.registry.networking.TrafficConfigs;
import io.meshpilot.registry.networking.Sidecar;
import io.meshpilot.registry.networking.VirtualService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Istio config objects (VirtualService, DestinationRule, Sidecar) from YAML as a user writes them ({@code kind}, {@code metadata}, {@code spec}),
 * bound to the registry's records with Jackson as the sources bind them.
 */
public final class TrafficYaml {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private TrafficYaml() {}

  /** The VirtualServices among {@code ---}-separated documents, in istiod's order. */
  public static TrafficConfigs virtualServices(String documents) {
    return new TrafficConfigs(List.of(), configs(documents).virtualServices(), List.of());
  }

  /** The VirtualServices, DestinationRules and Sidecars among {@code ---}-separated documents, each in istiod's order. */
  public static TrafficConfigs configs(String documents) {
    List<IstioConfig<DestinationRule>> rules = new ArrayList<>();
    List<IstioConfig<VirtualService>> virtualServices = new ArrayList<>();
    List<IstioConfig<Sidecar>> sidecars = new ArrayList<>();
    try {
      for (JsonNode doc : YAML.readValues(YAML.createParser(documents), JsonNode.class).readAll()) {
        if (doc == null || doc.isEmpty()) {
          continue;
        }
        JsonNode spec = doc.path("spec");
        switch (doc.path("kind").asText("VirtualService")) {
          case "DestinationRule" -> rules.add(new IstioConfig<>(meta(doc), YAML.treeToValue(spec, DestinationRule.class)));
          case "Sidecar" -> sidecars.add(new IstioConfig<>(meta(doc), YAML.treeToValue(spec, Sidecar.class)));
          default -> virtualServices.add(new IstioConfig<>(meta(doc), YAML.treeToValue(spec, VirtualService.class)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    rules.sort(IstioConfig.ISTIO_ORDER);
    virtualServices.sort(IstioConfig.ISTIO_ORDER);
    sidecars.sort(IstioConfig.ISTIO_ORDER);
    return new TrafficConfigs(rules, virtualServices, sidecars);
  }

  private static ConfigMeta meta(JsonNode doc) {
    JsonNode metadata = doc.path("metadata");
    String created = metadata.path("creationTimestamp").asText("2026-01-01T00:00:00Z");
    return new ConfigMeta(new ObjectKey(doc.path("kind").asText("VirtualService"),
        metadata.path("namespace").asText("default"), metadata.path("name").asText()),
        doc.path("apiVersion").asText("networking.istio.io/v1"), metadata.path("resourceVersion").asText("1"),
        Instant.parse(created), Map.of(), Map.of(), 1, "test");
  }
}
