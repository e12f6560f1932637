package io.meshpilot.xds.proxy;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Parses an Envoy {@link Node} into a {@link Proxy} the way istiod does (reference istio-xds.md §7). */
public final class ProxyParser {
  private static final List<String> TYPES = List.of("sidecar", "router", "waypoint", "ztunnel", "agentgateway");

  private ProxyParser() {}

  public static Proxy parse(Node node) throws InvalidProxyException {
    String nodeId = node.getId();
    if (nodeId.isEmpty()) {
      throw new InvalidProxyException("node.id is empty");
    }
    String[] parts = nodeId.split("~", -1);
    if (parts.length != 4) {
      throw new InvalidProxyException("node.id \"" + nodeId + "\" must have 4 parts <type>~<ip>~<pod>.<ns>~<domain>");
    }
    if (!TYPES.contains(parts[0])) {
      throw new InvalidProxyException("node.id \"" + nodeId + "\": unknown proxy type \"" + parts[0] + "\"");
    }
    Struct metadata = node.getMetadata();
    List<String> ips = new ArrayList<>();
    for (String ip : string(metadata, "INSTANCE_IPS").split(",")) {
      if (isIp(ip.trim())) {
        ips.add(ip.trim());
      }
    }
    if (ips.isEmpty()) {
      if (!isIp(parts[1])) {
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
    return new Proxy(parts[0], ips.get(0), parts[2], dnsDomain, namespace, labels(metadata), ips,
        string(metadata, "CLUSTER_ID").isEmpty() ? "Kubernetes" : string(metadata, "CLUSTER_ID"),
        string(metadata, "ISTIO_VERSION"), interceptionMode(string(metadata, "INTERCEPTION_MODE")),
        string(metadata, "GENERATOR"), nodeId);
  }

  private static InterceptionMode interceptionMode(String value) {
    return switch (value.toUpperCase(Locale.ROOT)) {
      case "NONE" -> InterceptionMode.NONE;
      case "TPROXY" -> InterceptionMode.TPROXY;
      default -> InterceptionMode.REDIRECT;
    };
  }

  private static Map<String, String> labels(Struct metadata) {
    Value value = metadata.getFieldsOrDefault("LABELS", Value.getDefaultInstance());
    Map<String, String> labels = new LinkedHashMap<>();
    if (value.hasStructValue()) {
      value.getStructValue().getFieldsMap().forEach((k, v) -> labels.put(k, v.getStringValue()));
    }
    return labels;
  }

  private static String string(Struct metadata, String key) {
    Value value = metadata.getFieldsOrDefault(key, Value.getDefaultInstance());
    return value.hasStringValue() ? value.getStringValue() : "";
  }

  private static boolean isIp(String text) {
    if (text.isEmpty() || !(text.contains(":") || text.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
      return false;
    }
    try {
      InetAddress.getByName(text); // a literal (checked above) is parsed, never looked up
      return true;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }
}
