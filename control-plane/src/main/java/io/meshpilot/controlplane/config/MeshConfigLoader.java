package io.meshpilot.controlplane.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.meshpilot.registry.networking.DestinationRule.ConnectionPoolSettings.TcpKeepalive;
import io.meshpilot.registry.networking.DestinationRule.LocalityLbSetting;
import io.meshpilot.registry.networking.VirtualService.HttpRetry;
import io.meshpilot.xds.Knobs;
import io.meshpilot.xds.OutboundTrafficPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
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
        localityLbSetting(root, origin), connectTimeout(root, origin), tcpKeepalive(root, origin),
        defaultHttpRetryPolicy(root, origin));
  }

  /** istiod's ValidateConnectTimeout: at least 1 ms, at most 1 h, in whole milliseconds. */
  private static Duration connectTimeout(JsonNode root, String origin) throws IOException {
    JsonNode node = root.path("connectTimeout");
    if (node.isMissingNode() || node.isNull()) {
      return MeshConfig.DEFAULT_CONNECT_TIMEOUT;
    }
    Duration timeout = duration(node.asText(), "connectTimeout", origin);
    if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(Duration.ofHours(1)) > 0
        || timeout.toNanos() % 1_000_000 != 0) {
      throw new IOException(origin + ": connectTimeout must be between 1ms and 1h in whole milliseconds, got \""
          + node.asText() + "\"");
    }
    return timeout;
  }

  private static Optional<TcpKeepalive> tcpKeepalive(JsonNode root, String origin) throws IOException {
    Optional<TcpKeepalive> keepalive = bind(root, "tcpKeepalive", TcpKeepalive.class, origin);
    if (keepalive.isPresent()) {
      durationOrNull(keepalive.get().time(), "tcpKeepalive.time", origin);
      durationOrNull(keepalive.get().interval(), "tcpKeepalive.interval", origin);
      if (keepalive.get().probes() != null && keepalive.get().probes() < 0) {
        throw new IOException(origin + ": tcpKeepalive.probes cannot be negative");
      }
    }
    return keepalive;
  }

  private static Optional<HttpRetry> defaultHttpRetryPolicy(JsonNode root, String origin) throws IOException {
    Optional<HttpRetry> retry = bind(root, "defaultHttpRetryPolicy", HttpRetry.class, origin);
    if (retry.isPresent()) {
      if (retry.get().attempts() != null && retry.get().attempts() < 0) {
        throw new IOException(origin + ": defaultHttpRetryPolicy.attempts cannot be negative");
      }
      durationOrNull(retry.get().perTryTimeout(), "defaultHttpRetryPolicy.perTryTimeout", origin);
      durationOrNull(retry.get().backoff(), "defaultHttpRetryPolicy.backoff", origin);
    }
    return retry;
  }

  /** The field bound as Istio's API record; an unknown or mistyped field fails naming it. */
  private static <T> Optional<T> bind(JsonNode root, String field, Class<T> type, String origin) throws IOException {
    JsonNode node = root.path(field);
    if (node.isMissingNode() || node.isNull()) {
      return Optional.empty();
    }
    try {
      // like istiod's protobuf JSON reader, the mapper refuses fields it does not know
      return Optional.of(YAML.treeToValue(node, type));
    } catch (JsonProcessingException e) {
      throw new IOException(origin + ": " + field + " is not valid: " + e.getOriginalMessage());
    }
  }

  private static void durationOrNull(String value, String field, String origin) throws IOException {
    if (value != null) {
      duration(value, field, origin);
    }
  }

  private static Duration duration(String value, String field, String origin) throws IOException {
    return Knobs.parseDuration(value).orElseThrow(() -> new IOException(origin + ": " + field
        + " is not a duration (e.g. \"10s\", \"1.5s\"), got \"" + value + "\""));
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
