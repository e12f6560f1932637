package io.meshpilot.registry.serviceentry;

import static io.meshpilot.registry.serviceentry.YamlValues.list;
import static io.meshpilot.registry.serviceentry.YamlValues.object;
import static io.meshpilot.registry.serviceentry.YamlValues.string;
import static io.meshpilot.registry.serviceentry.YamlValues.stringMap;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.meshpilot.registry.InvalidObjectException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a WorkloadEntry object (networking.istio.io, delivered as a {@link GenericKubernetesResource})
 * into the {@link SelectedWorkload} a ServiceEntry's {@code workloadSelector} picks from, as istiod's
 * ServiceEntry controller converts it: the object's labels over the spec's, and a WorkloadEntry whose
 * health checks are enabled counts as ready only once its {@code Healthy} condition is true.
 */
public final class WorkloadEntryParser {
  /** The kind this parser accepts. */
  public static final String KIND = "WorkloadEntry";
  /** istiod's annotation that turns on WorkloadEntry health checks (the agent probes, istiod records the condition). */
  static final String HEALTH_CHECKS_ANNOTATION = "proxy.istio.io/health-checks-enabled";
  private static final int MAX_PORT = 65535;

  private WorkloadEntryParser() {}

  /**
   * Parses and checks one WorkloadEntry.
   *
   * @throws InvalidObjectException naming the field when a field has the wrong type or the entry has
   *     neither an address nor a network (istiod's validation refuses those)
   */
  public static SelectedWorkload parse(GenericKubernetesResource resource) throws InvalidObjectException {
    ObjectMeta meta = resource.getMetadata();
    if (meta == null || meta.getName() == null || meta.getName().isEmpty()) {
      throw new InvalidObjectException("metadata.name: required");
    }
    Map<String, Object> additional = resource.getAdditionalProperties();
    Map<String, Object> spec = object(additional == null ? null : additional.get("spec"), "spec");
    if (spec == null) {
      throw new InvalidObjectException("spec: required");
    }
    WorkloadEntry entry = ServiceEntryParser.workloadEntry(spec, "spec");
    if (entry.address().isEmpty() && entry.network().isEmpty()) {
      throw new InvalidObjectException("spec.address: required (or spec.network)");
    }
    for (Map.Entry<String, Integer> port : entry.ports().entrySet()) {
      if (port.getValue() < 1 || port.getValue() > MAX_PORT) {
        throw new InvalidObjectException("spec.ports." + port.getKey() + ": " + port.getValue()
            + " is not a port number (1-" + MAX_PORT + ")");
      }
    }
    Map<String, String> labels = new HashMap<>(entry.labels());
    labels.putAll(stringMap(meta.getLabels(), "metadata.labels"));
    Map<String, String> annotations = stringMap(meta.getAnnotations(), "metadata.annotations");
    boolean ready = !goTrue(annotations.get(HEALTH_CHECKS_ANNOTATION))
        || healthy(additional.get("status"));
    String namespace = meta.getNamespace() == null || meta.getNamespace().isEmpty() ? "default" : meta.getNamespace();
    return new SelectedWorkload(SelectedWorkload.WORKLOAD_ENTRY, namespace, meta.getName(), entry.address(), labels,
        entry.serviceAccount(), entry.ports(), entry.locality(), entry.network(), "", ready, entry.weight());
  }

  /** {@code status.conditions[type=Healthy].status == "True"}; no such condition is not healthy. */
  private static boolean healthy(Object status) throws InvalidObjectException {
    Map<String, Object> statusObject = object(status, "status");
    List<?> conditions = statusObject == null ? null : list(statusObject.get("conditions"), "status.conditions");
    if (conditions == null) {
      return false;
    }
    for (int i = 0; i < conditions.size(); i++) {
      Map<String, Object> condition = object(conditions.get(i), "status.conditions[" + i + "]");
      if (condition != null && "Healthy".equals(string(condition.get("type"), "status.conditions[" + i + "].type"))) {
        return "True".equals(string(condition.get("status"), "status.conditions[" + i + "].status"));
      }
    }
    return false;
  }

  /** Go's {@code strconv.ParseBool} true values; anything else (or nothing) is false, as istiod reads the annotation. */
  private static boolean goTrue(String value) {
    return value != null && List.of("1", "t", "T", "TRUE", "true", "True").contains(value);
  }
}
