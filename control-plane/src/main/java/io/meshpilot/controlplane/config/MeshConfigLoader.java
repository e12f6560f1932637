package io.meshpilot.controlplane.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.meshpilot.registry.networking.DestinationRule.LocalityLbSetting;
import io.meshpilot.xds.OutboundTrafficPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code --mesh-config}: Istio MeshConfig YAML (the {@code mesh} key of istiod's ConfigMap, or
 * the ConfigMap's {@code data.mesh} itself). Fields meshpilot does not use are ignored.
 */
public final class MeshConfigLoader {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Logger log = LoggerFactory.getLogger(MeshConfigLoader.class);

  private MeshConfigLoader() {}

  /** Loads a mesh config file; a field with a wrong value fails with a message naming it. */
  public static MeshConfig load(Path file) throws IOException {
    return parse(Files.readString(file), file.toString());
  }

  static MeshConfig parse(String yaml, String origin) throws IOException {
    JsonNode root = YAML.readTree(yaml);
    if (root == null || root.isMissingNode() || root.isNull()) {
      return MeshConfig.defaults();
    }
    if (root.path("kind").asText().equals("ConfigMap")) {
      String embedded = root.path("data").path("mesh").asText("");
      return parse(embedded, origin + " (data.mesh)");
    }
    MeshConfig defaults = MeshConfig.defaults();
    OutboundTrafficPolicy mode = defaults.outboundTrafficPolicyMode();
    JsonNode modeNode = root.path("outboundTrafficPolicy").path("mode");
    if (!modeNode.isMissingNode() && !modeNode.isNull()) {
      String value = modeNode.asText().toUpperCase(Locale.ROOT);
      try {
        mode = OutboundTrafficPolicy.valueOf(value);
      } catch (IllegalArgumentException e) {
        throw new IOException(origin + ": outboundTrafficPolicy.mode must be ALLOW_ANY or REGISTRY_ONLY, got \""
            + modeNode.asText() + "\"");
      }
    }
    if (!root.path("serviceEntryVisibility").isMissingNode()) {
      // it can narrow what sidecars see (applyToSidecars): say so rather than serve more than asked
      log.warn("{}: serviceEntryVisibility is not supported yet and is ignored: every ServiceEntry stays "
          + "visible as its exportTo says (Attributes.Visibility 0)", origin);
    }
    return new MeshConfig(mode, stringList(root, "defaultServiceExportTo", origin),
        root.path("rootNamespace").asText(""), root.path("trustDomain").asText(""),
        stringList(root, "defaultDestinationRuleExportTo", origin),
        stringList(root, "defaultVirtualServiceExportTo", origin),
        localityLbSetting(root, origin));
  }

  /**
   * {@code localityLbSetting}, with the DestinationRule field's shape; {@code enabled} stays
   * istiod's default (true) unless set, as the file is applied over the default mesh config.
   */
  private static LocalityLbSetting localityLbSetting(JsonNode root, String origin) throws IOException {
    JsonNode node = root.path("localityLbSetting");
    if (node.isMissingNode() || node.isNull()) {
      return null;
    }
    LocalityLbSetting setting;
    try {
      setting = YAML.treeToValue(node, LocalityLbSetting.class);
    } catch (JsonProcessingException e) {
      throw new IOException(origin + ": localityLbSetting is not a LocalityLoadBalancerSetting: "
          + e.getOriginalMessage(), e);
    }
    return setting.enabled() != null ? setting
        : new LocalityLbSetting(setting.distribute(), setting.failover(), setting.failoverPriority(), true);
  }

  private static List<String> stringList(JsonNode root, String field, String origin) throws IOException {
    List<String> values = new ArrayList<>();
    JsonNode node = root.path(field);
    if (node.isArray()) {
      node.forEach(n -> values.add(n.asText()));
    } else if (!node.isMissingNode() && !node.isNull()) {
      throw new IOException(origin + ": " + field + " must be a list");
    }
    return values;
  }
}
