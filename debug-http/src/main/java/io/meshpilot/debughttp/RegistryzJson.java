package io.meshpilot.debughttp;

import io.meshpilot.registry.model.Port;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.model.ServiceAttributes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The body of {@code /debug/registryz}: services serialized exactly as istiod 1.31 serializes its
 * {@code model.Service} list with Go's {@code encoding/json} (reference §1): the same keys in the
 * same order and casing, the same null-versus-omitted rules, sorted map keys and HTML escaping.
 */
public final class RegistryzJson {
  private RegistryzJson() {}

  /**
   * Serializes services in the given order.
   *
   * @param services the services, typically {@code ServiceRegistry.services()}, possibly filtered
   * @param pretty true for {@code json.MarshalIndent} with four spaces (istiod's {@code ?pretty}),
   *     false for compact output
   */
  public static String write(List<Service> services, boolean pretty) {
    GoJsonWriter json = new GoJsonWriter(pretty);
    try {
      json.startArray();
      for (Service service : services) {
        writeService(json, service);
      }
      json.endArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return json.toString();
  }

  private static void writeService(GoJsonWriter json, Service s) throws IOException {
    writeService(json, s, s.ports());
  }

  /**
   * One service as istiod's {@code model.Service} JSON, with only these ports (a Sidecar scope
   * trims a service to the ports its egress listeners import).
   */
  static void writeService(GoJsonWriter json, Service s, List<Port> ports) throws IOException {
    json.startObject();
    json.name("Attributes");
    writeAttributes(json, s.attributes());
    if (!ports.isEmpty()) {
      json.name("ports").startArray();
      for (Port port : ports) {
        writePort(json, port);
      }
      json.endArray();
    }
    if (!s.serviceAccounts().isEmpty()) {
      json.name("serviceAccounts").startArray();
      for (String account : s.serviceAccounts()) {
        json.string(account);
      }
      json.endArray();
    }
    json.name("creationTime").time(s.creationTime());
    json.name("hostname").string(s.hostname());
    json.name("clusterVIPs");
    writeAddressMap(json, s.clusterVIPs());
    omitEmpty(json, "defaultAddress", s.defaultAddress());
    omitEmpty(json, "autoAllocatedIPv4Address", s.autoAllocatedIPv4Address());
    omitEmpty(json, "autoAllocatedIPv6Address", s.autoAllocatedIPv6Address());
    json.name("Resolution").number(s.resolution().code());
    json.name("MeshExternal").bool(s.meshExternal());
    json.name("ResourceVersion").string(s.resourceVersion());
    json.endObject();
  }

  // 1.31 field order; K8sAttributes is embedded in Go, so its fields follow flattened from Type on.
  private static void writeAttributes(GoJsonWriter json, ServiceAttributes a) throws IOException {
    json.startObject();
    json.name("ServiceRegistry").string(a.registry().wireName());
    json.name("Name").string(a.name());
    json.name("Namespace").string(a.namespace());
    json.name("Labels").stringMapOrNull(a.labels());
    json.name("ExportTo").setOrNull(a.exportTo());
    json.name("Visibility").number(a.visibility().code());
    json.name("LabelSelectors").stringMapOrNull(a.labelSelectors());
    json.name("Aliases").nullValue(); // only push-context copies fill aliases, never the registry
    json.name("ClusterExternalAddresses");
    writeAddressMap(json, a.clusterExternalAddresses());
    json.name("ClusterExternalPorts").mapOrNull(a.clusterExternalPorts(), Function.identity(),
        (j, ports) -> j.mapOrNull(ports, String::valueOf, (jj, nodePort) -> jj.number(nodePort)));
    json.name("PassthroughTargetPorts")
        .mapOrNull(a.passthroughTargetPorts(), String::valueOf, (j, target) -> j.number(target));
    json.name("Type").string(a.type());
    json.name("ExternalName").string(a.externalName());
    json.name("NodeLocal").bool(a.nodeLocal());
    json.name("TrafficDistribution").number(a.trafficDistribution());
    json.name("ObjectName").string(a.objectName());
    json.name("DNSConnectStrategy").number(a.dnsConnectStrategy());
    json.name("PublishNotReadyAddresses").bool(a.publishNotReadyAddresses());
    json.endObject();
  }

  private static void writePort(GoJsonWriter json, Port port) throws IOException {
    json.startObject();
    omitEmpty(json, "name", port.name());
    json.name("port").number(port.port());
    omitEmpty(json, "protocol", port.protocol().wireName());
    json.endObject();
  }

  /**
   * istiod's {@code AddressMap}: always an object. Its setter deletes a cluster whose address list
   * is empty, so such entries are dropped here too, and no entries at all print as null.
   */
  private static void writeAddressMap(GoJsonWriter json, Map<String, List<String>> addresses)
      throws IOException {
    Map<String, List<String>> present = new LinkedHashMap<>();
    addresses.forEach((cluster, ips) -> {
      if (!ips.isEmpty()) {
        present.put(cluster, ips);
      }
    });
    json.startObject();
    json.name("Addresses").mapOrNull(present, Function.identity(), (j, ips) -> {
      j.startArray();
      for (String ip : ips) {
        j.string(ip);
      }
      j.endArray();
    });
    json.endObject();
  }

  private static void omitEmpty(GoJsonWriter json, String name, String value) throws IOException {
    if (!value.isEmpty()) {
      json.name(name).string(value);
    }
  }
}
