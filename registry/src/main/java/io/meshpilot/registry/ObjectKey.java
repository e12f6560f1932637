package io.meshpilot.registry;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Objects;

/**
 * Identifies one source object: its kind, namespace ({@code ""} for cluster-scoped kinds) and name.
 * Printed as {@code Kind namespace/name}, the form used in logs and debug endpoints.
 */
public record ObjectKey(String kind, String namespace, String name) implements Comparable<ObjectKey> {
  public ObjectKey {
    Objects.requireNonNull(kind, "kind");
    namespace = Objects.requireNonNullElse(namespace, "");
    Objects.requireNonNull(name, "name");
  }

  /**
   * The key of a Kubernetes object. A namespaced object without a namespace is in {@code default},
   * where {@code kubectl apply} would put it; a Node has none.
   */
  public static ObjectKey of(HasMetadata object) {
    String kind = object.getKind() == null ? object.getClass().getSimpleName() : object.getKind();
    String namespace = object.getMetadata().getNamespace();
    if (kind.equals("Node")) {
      namespace = "";
    } else if (namespace == null || namespace.isEmpty()) {
      namespace = "default";
    }
    return new ObjectKey(kind, namespace, object.getMetadata().getName());
  }

  /** {@code namespace/name}, or just the name for cluster-scoped objects. */
  public String namespacedName() {
    return namespace.isEmpty() ? name : namespace + "/" + name;
  }

  @Override
  public int compareTo(ObjectKey o) {
    int c = kind.compareTo(o.kind);
    if (c == 0) c = namespace.compareTo(o.namespace);
    return c != 0 ? c : name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return kind + " " + namespacedName();
  }
}
