package io.meshpilot.registry.serviceentry;

import static io.meshpilot.registry.serviceentry.YamlValues.describe;
import static io.meshpilot.registry.serviceentry.YamlValues.enumValue;
import static io.meshpilot.registry.serviceentry.YamlValues.list;
import static io.meshpilot.registry.serviceentry.YamlValues.object;
import static io.meshpilot.registry.serviceentry.YamlValues.string;
import static io.meshpilot.registry.serviceentry.YamlValues.stringList;
import static io.meshpilot.registry.serviceentry.YamlValues.stringMap;
import static io.meshpilot.registry.serviceentry.YamlValues.unsignedInt;
import static io.meshpilot.registry.serviceentry.YamlValues.unsignedIntMap;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.meshpilot.registry.InvalidObjectException;
import io.meshpilot.registry.model.Service;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a ServiceEntry delivered as a {@link GenericKubernetesResource} (the shape kubectl prints) into
 * a {@link ServiceEntry}. Only types are checked here; the rules are {@link ServiceEntryValidator}'s.
 * Unknown fields are ignored, as the API server's structural schema would prune them.
 */
public final class ServiceEntryParser {
  /** The kind this parser accepts. */
  public static final String KIND = "ServiceEntry";

  /** The API versions with the same ServiceEntry spec. */
  public static final Set<String> API_VERSIONS = Set.of(
      "networking.istio.io/v1", "networking.istio.io/v1beta1", "networking.istio.io/v1alpha3");

  private static final String DEFAULT_NAMESPACE = "default";

  private ServiceEntryParser() {}

  /**
   * Parses one ServiceEntry.
   *
   * @param resource the object as delivered by the informer or the config directory
   * @return the ServiceEntry, not yet validated
   * @throws InvalidObjectException naming the field path and the problem when a field has the wrong type
   */
  public static ServiceEntry parse(GenericKubernetesResource resource) throws InvalidObjectException {
    if (!KIND.equals(resource.getKind())) {
      throw new InvalidObjectException("kind: expected ServiceEntry, got " + describe(resource.getKind()));
    }
    String apiVersion = resource.getApiVersion();
    if (apiVersion != null && !API_VERSIONS.contains(apiVersion)) {
      throw new InvalidObjectException("apiVersion: unsupported " + describe(apiVersion)
          + " (one of networking.istio.io/v1, networking.istio.io/v1beta1, networking.istio.io/v1alpha3)");
    }
    ObjectMeta meta = resource.getMetadata();
    if (meta == null || meta.getName() == null || meta.getName().isEmpty()) {
      throw new InvalidObjectException("metadata.name: required");
    }
    String namespace = meta.getNamespace() == null || meta.getNamespace().isEmpty()
        ? DEFAULT_NAMESPACE : meta.getNamespace();
    Instant created = creationTime(meta.getCreationTimestamp());

    Map<String, Object> additional = resource.getAdditionalProperties();
    Map<String, Object> spec = object(additional == null ? null : additional.get("spec"), "spec");
    if (spec == null) {
      throw new InvalidObjectException("spec: required");
    }
    return new ServiceEntry(
        namespace,
        meta.getName(),
        stringMap(meta.getLabels(), "metadata.labels"),
        stringMap(meta.getAnnotations(), "metadata.annotations"),
        created,
        stringList(spec.get("hosts"), "spec.hosts"),
        stringList(spec.get("addresses"), "spec.addresses"),
        ports(spec.get("ports")),
        enumValue(spec.get("location"), Location.class, Location.MESH_EXTERNAL, "spec.location"),
        enumValue(spec.get("resolution"), SeResolution.class, SeResolution.NONE, "spec.resolution"),
        endpoints(spec.get("endpoints")),
        workloadSelector(spec.get("workloadSelector")),
        stringList(spec.get("exportTo"), "spec.exportTo"),
        stringList(spec.get("subjectAltNames"), "spec.subjectAltNames"),
        statusAddresses(additional.get("status")));
  }

  /** {@code status.addresses[]} ({@code value}, {@code host}); no status is no addresses. */
  private static List<StatusAddress> statusAddresses(Object status) throws InvalidObjectException {
    Map<String, Object> statusObject = object(status, "status");
    List<?> raw = statusObject == null ? null : list(statusObject.get("addresses"), "status.addresses");
    List<StatusAddress> out = new ArrayList<>();
    if (raw == null) {
      return out;
    }
    for (int i = 0; i < raw.size(); i++) {
      String path = "status.addresses[" + i + "]";
      Map<String, Object> address = requiredObject(raw.get(i), path);
      out.add(new StatusAddress(string(address.get("host"), path + ".host"),
          string(address.get("value"), path + ".value")));
    }
    return out;
  }

  private static Instant creationTime(String timestamp) throws InvalidObjectException {
    if (timestamp == null || timestamp.isEmpty()) {
      return Service.ZERO_TIME;
    }
    try {
      return OffsetDateTime.parse(timestamp).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidObjectException(
          "metadata.creationTimestamp: " + describe(timestamp) + " is not an RFC 3339 timestamp");
    }
  }

  private static List<SePort> ports(Object value) throws InvalidObjectException {
    List<?> raw = list(value, "spec.ports");
    List<SePort> out = new ArrayList<>();
    if (raw == null) {
      return out;
    }
    for (int i = 0; i < raw.size(); i++) {
      String path = "spec.ports[" + i + "]";
      Map<String, Object> port = requiredObject(raw.get(i), path);
      out.add(new SePort(
          string(port.get("name"), path + ".name"),
          unsignedInt(port.get("number"), path + ".number"),
          string(port.get("protocol"), path + ".protocol"),
          unsignedInt(port.get("targetPort"), path + ".targetPort")));
    }
    return out;
  }

  private static List<WorkloadEntry> endpoints(Object value) throws InvalidObjectException {
    List<?> raw = list(value, "spec.endpoints");
    List<WorkloadEntry> out = new ArrayList<>();
    if (raw == null) {
      return out;
    }
    for (int i = 0; i < raw.size(); i++) {
      String path = "spec.endpoints[" + i + "]";
      out.add(workloadEntry(requiredObject(raw.get(i), path), path));
    }
    return out;
  }

  /** A WorkloadEntry message: an inline endpoint at {@code path}, or a WorkloadEntry object's {@code spec}. */
  static WorkloadEntry workloadEntry(Map<String, Object> endpoint, String path) throws InvalidObjectException {
    return new WorkloadEntry(
        string(endpoint.get("address"), path + ".address"),
        unsignedIntMap(endpoint.get("ports"), path + ".ports"),
        stringMap(endpoint.get("labels"), path + ".labels"),
        string(endpoint.get("network"), path + ".network"),
        string(endpoint.get("locality"), path + ".locality"),
        unsignedInt(endpoint.get("weight"), path + ".weight"),
        string(endpoint.get("serviceAccount"), path + ".serviceAccount"));
  }

  private static Optional<Map<String, String>> workloadSelector(Object value) throws InvalidObjectException {
    Map<String, Object> selector = object(value, "spec.workloadSelector");
    if (selector == null) {
      return Optional.empty();
    }
    return Optional.of(stringMap(selector.get("labels"), "spec.workloadSelector.labels"));
  }

  private static Map<String, Object> requiredObject(Object value, String path) throws InvalidObjectException {
    Map<String, Object> map = object(value, path);
    if (map == null) {
      throw new InvalidObjectException(path + ": expected an object, got null");
    }
    return map;
  }
}
