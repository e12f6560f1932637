package io.meshpilot.registry.kube;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Derives a pod's workload name (Deployment, CronJob, …) as reference §4.4 describes. */
final class WorkloadNames {
  static final String WORKLOAD_NAME_LABEL = "service.istio.io/workload-name";
  private static final Pattern CRON_JOB_NAME = Pattern.compile("(.+)-\\d{8,10}");

  private WorkloadNames() {}

  static String of(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    String explicit = labels.get(WORKLOAD_NAME_LABEL);
    if (explicit != null && !explicit.isEmpty()) {
      return explicit;
    }
    OwnerReference controller = controllerOf(pod.getMetadata().getOwnerReferences());
    if (controller == null || controller.getName() == null || controller.getName().isEmpty()) {
      return Labels.orEmpty(pod.getMetadata().getName());
    }
    String owner = controller.getName();
    String kind = Labels.orEmpty(controller.getKind());
    String deploymentConfig = labels.get("deploymentconfig");
    if (deploymentConfig != null && !deploymentConfig.isEmpty()) {
      return deploymentConfig;
    }
    if (kind.equals("ReplicaSet")) {
      for (String hashLabel : List.of("pod-template-hash", "rollouts-pod-template-hash")) {
        String hash = labels.get(hashLabel);
        if (hash != null && !hash.isEmpty() && owner.endsWith("-" + hash)) {
          return owner.substring(0, owner.length() - hash.length() - 1);
        }
      }
    }
    if (kind.equals("Job")) {
      Matcher m = CRON_JOB_NAME.matcher(owner);
      if (m.matches()) {
        return m.group(1);
      }
    }
    return owner;
  }

  private static OwnerReference controllerOf(List<OwnerReference> owners) {
    if (owners == null) {
      return null;
    }
    for (OwnerReference owner : owners) {
      if (Boolean.TRUE.equals(owner.getController())) {
        return owner;
      }
    }
    return null;
  }
}
