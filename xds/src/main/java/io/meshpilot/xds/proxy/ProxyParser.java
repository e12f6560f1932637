package io.meshpilot.xds.proxy;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.meshpilot.registry.TopologyLabels;
import io.meshpilot.registry.serviceentry.IpLiterals;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses an Envoy {@link Node} into a {@link Proxy} the way istiod does. Metadata of the wrong shape
 * (a label that is not a string, INSTANCE_IPS that is not a string) is refused as istiod's JSON
 * decoding of node metadata refuses it, and so is metadata far beyond what a pilot-agent sends (see
 * {@link NodeLimits}); the {@link InvalidProxyException} says which. IPs are IP literals, parsed
 * without any name lookup.
 */
public final class ProxyParser {
  private static final List<String> TYPES = List.of("sidecar", "router", "waypoint", "ztunnel", "agentgateway");
  private static final List<String> STRING_FIELDS =
      List.of("INSTANCE_IPS", "NAMESPACE", "CLUSTER_ID", "ISTIO_VERSION", "INTERCEPTION_MODE", "GENERATOR");

  private ProxyParser() {}

  /**
   * The proxy a node describes.
   *
   * @throws InvalidProxyException naming what is malformed or too large
   */
  public static Proxy parse(Node node) throws InvalidProxyException {
    String nodeId = node.getId();
    if (nodeId.isEmpty()) {
      throw new InvalidProxyException("node.id is empty");
    }
    if (nodeId.length() > NodeLimits.MAX_NODE_ID_CHARS) {
      throw new InvalidProxyException("node.id is " + nodeId.length() + " characters, more than the "
          + NodeLimits.MAX_NODE_ID_CHARS + " allowed");
    }
    String[] parts = nodeId.split("~", -1);
    if (parts.length != 4) {
      throw new InvalidProxyException("node.id \"" + nodeId + "\" must have 4 parts <type>~<ip>~<pod>.<ns>~<domain>");
    }
    if (!TYPES.contains(parts[0])) {
      throw new InvalidProxyException("node.id \"" + nodeId + "\": unknown proxy type \"" + parts[0] + "\"");
    }
    Struct metadata = node.getMetadata();
    NodeLimits.check(nodeId, metadata);
    for (String field : STRING_FIELDS) {
      Value value = metadata.getFieldsOrDefault(field, null);
      if (value != null && !value.hasStringValue() && !value.hasNullValue()) {
        throw new InvalidProxyException("node \"" + nodeId + "\": metadata " + field + " must be a string, not "
            + kind(value));
      }
    }
    List<String> ips = instanceIps(nodeId, string(metadata, "INSTANCE_IPS"));
    if (ips.isEmpty()) {
      if (!IpLiterals.isIp(parts[1])) {
        throw new InvalidProxyException("node \"" + nodeId + "\" has no valid IP in INSTANCE_IPS or the node id");
      }
      ips.add(parts[1]);
    }
    String dnsDomain = parts[3];
    String namespace = string(metadata, "NAMESPACE");
    if (namespace.isEmpty()) {
      int dot = dnsDomain.indexOf('.');
      namespace = dot > 0 ? dnsDomain.substring(0, dot) : dnsDomain;
    }
    Map<String, String> labels = labels(nodeId, metadata);
    return new Proxy(parts[0], ips.get(0), parts[2], dnsDomain, namespace, labels, ips,
        string(metadata, "CLUSTER_ID").isEmpty() ? "Kubernetes" : string(metadata, "CLUSTER_ID"),
        string(metadata, "ISTIO_VERSION"), interceptionMode(string(metadata, "INTERCEPTION_MODE")),
        string(metadata, "GENERATOR"), nodeId, goBool(string(metadata, "DNS_CAPTURE")),
        locality(labels, node.getLocality()));
  }

  /**
   * istiod's setTopologyLabels: the region, zone and subzone labels when any is set, else the
   * locality label, else what the node says ({@code node.locality}, which pilot-agent fills from the
   * platform); {@code region/zone/subzone}, or {@code ""} when all are unknown.
   */
  static String locality(Map<String, String> labels, Locality node) {
    if (labels.containsKey(TopologyLabels.REGION) || labels.containsKey(TopologyLabels.ZONE)
        || labels.containsKey(TopologyLabels.SUBZONE)) {
      return label(labels.getOrDefault(TopologyLabels.REGION, ""), labels.getOrDefault(TopologyLabels.ZONE, ""),
          labels.getOrDefault(TopologyLabels.SUBZONE, ""));
    }
    String fromLabel = TopologyLabels.localityFromLabels(labels);
    if (!fromLabel.isEmpty()) {
      String[] parts = fromLabel.split("/", 3);
      return label(parts[0], parts.length > 1 ? parts[1] : "", parts.length > 2 ? parts[2] : "");
    }
    return label(node.getRegion(), node.getZone(), node.getSubZone());
  }

  private static String label(String region, String zone, String subzone) {
    return region.isEmpty() && zone.isEmpty() && subzone.isEmpty() ? "" : region + "/" + zone + "/" + subzone;
  }

  /** Go's {@code strconv.ParseBool} true values, as istiod's {@code StringBool} metadata reads them. */
  private static boolean goBool(String value) {
    return List.of("1", "t", "T", "TRUE", "true", "True").contains(value);
  }

  /** The IP literals of INSTANCE_IPS; other entries are skipped, as istiod skips them with a warning. */
  private static List<String> instanceIps(String nodeId, String value) throws InvalidProxyException {
    List<String> ips = new ArrayList<>();
    if (value.isEmpty()) {
      return ips;
    }
    String[] entries = value.split(",", -1);
    if (entries.length > NodeLimits.MAX_INSTANCE_IPS) {
      throw new InvalidProxyException("node \"" + nodeId + "\": metadata INSTANCE_IPS has " + entries.length
          + " entries, more than the " + NodeLimits.MAX_INSTANCE_IPS + " allowed");
    }
    for (String entry : entries) {
      String ip = entry.trim();
      if (IpLiterals.isIp(ip)) {
        ips.add(ip);
      }
    }
    return ips;
  }

  private static InterceptionMode interceptionMode(String value) {
    return switch (value.toUpperCase(Locale.ROOT)) {
      case "NONE" -> InterceptionMode.NONE;
      case "TPROXY" -> InterceptionMode.TPROXY;
      default -> InterceptionMode.REDIRECT;
    };
  }

  private static Map<String, String> labels(String nodeId, Struct metadata) throws InvalidProxyException {
    Value value = metadata.getFieldsOrDefault("LABELS", Value.getDefaultInstance());
    Map<String, String> labels = new LinkedHashMap<>();
    if (value.hasNullValue() || value.getKindCase() == Value.KindCase.KIND_NOT_SET) {
      return labels;
    }
    if (!value.hasStructValue()) {
      throw new InvalidProxyException("node \"" + nodeId + "\": metadata LABELS must be a map of strings, not "
          + kind(value));
    }
    Map<String, Value> fields = value.getStructValue().getFieldsMap();
    if (fields.size() > NodeLimits.MAX_LABELS) {
      throw new InvalidProxyException("node \"" + nodeId + "\": metadata LABELS has " + fields.size()
          + " entries, more than the " + NodeLimits.MAX_LABELS + " allowed");
    }
    for (Map.Entry<String, Value> label : fields.entrySet()) {
      if (!label.getValue().hasStringValue()) {
        throw new InvalidProxyException("node \"" + nodeId + "\": metadata LABELS[" + label.getKey()
            + "] must be a string, not " + kind(label.getValue()));
      }
      labels.put(label.getKey(), label.getValue().getStringValue());
    }
    return labels;
  }

  private static String string(Struct metadata, String key) {
    Value value = metadata.getFieldsOrDefault(key, Value.getDefaultInstance());
    return value.hasStringValue() ? value.getStringValue() : "";
  }

  private static String kind(Value value) {
    return switch (value.getKindCase()) {
      case NUMBER_VALUE -> "a number";
      case BOOL_VALUE -> "a boolean";
      case STRUCT_VALUE -> "a map";
      case LIST_VALUE -> "a list";
      case STRING_VALUE -> "a string";
      case NULL_VALUE, KIND_NOT_SET -> "null";
    };
  }
}
