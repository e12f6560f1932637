package io.meshpilot.xds.why;

import io.meshpilot.registry.HostnameChanges;
import io.meshpilot.registry.ObjectChange;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.Rejection;
import io.meshpilot.xds.push.PushRecord;
import io.meshpilot.xds.server.TypeSyncState;
import io.meshpilot.xds.server.XdsType;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the last change to one hostname stands for one proxy, stage by stage.
 *
 * @param hostname the service hostname asked about
 * @param proxyId the proxy ({@code <pod>.<namespace>})
 * @param connectionId its stream
 * @param registry what the registry knows of the hostname
 * @param visibility whether the proxy sees it and what it yields there
 * @param pushes the pushes that carried the last service and endpoints changes
 * @param proxy per xDS type, whether the proxy has the hostname's resources
 */
public record WhyReport(String hostname, String proxyId, String connectionId, RegistryStage registry,
    VisibilityStage visibility, List<PushStage> pushes, List<TypeStage> proxy) {
  public WhyReport {
    Objects.requireNonNull(hostname, "hostname");
    pushes = List.copyOf(pushes);
    proxy = List.copyOf(proxy);
  }

  /** Whether the registry holds the hostname. */
  public enum RegistryStatus {
    /** At least one accepted object defines it. */
    KNOWN,
    /** No accepted object defines it, and an object claiming it is rejected. */
    REJECTED,
    /** Nothing defines it. */
    UNKNOWN
  }

  /**
   * The registry stage.
   *
   * @param objects the accepted objects defining the hostname, in registry order
   * @param changes the last service and endpoints changes (and rejection) recorded for it
   * @param rejections rejected objects claiming the hostname now (an update refused while the last
   *     good version stays in effect included)
   */
  public record RegistryStage(RegistryStatus status, List<SourceObject> objects, HostnameChanges changes,
      List<Rejection> rejections) {
    public RegistryStage {
      objects = List.copyOf(objects);
      rejections = List.copyOf(rejections);
    }
  }

  /**
   * An accepted object that defines the hostname.
   *
   * @param object the Service or ServiceEntry
   * @param registry {@code Kubernetes} or {@code External}, as registryz says
   * @param resourceVersion its resourceVersion, {@code ""} when unknown
   * @param exportTo the namespaces it is exported to, the mesh default filled in
   */
  public record SourceObject(ObjectKey object, String registry, String resourceVersion, List<String> exportTo) {
    public SourceObject {
      exportTo = List.copyOf(exportTo);
    }
  }

  /**
   * The visibility stage: what the hostname yields in the proxy's config now.
   *
   * @param visible the proxy's scope includes the hostname
   * @param reason why (exportTo, and Sidecar scoping once it exists), in one sentence
   * @param clusters names of the clusters for the hostname
   * @param listeners names of the listeners that lead to those clusters
   * @param routes names of the route configurations with a virtual host or route for it
   */
  public record VisibilityStage(boolean visible, String reason, List<String> clusters, List<String> listeners,
      List<String> routes) {
    public VisibilityStage {
      clusters = List.copyOf(clusters);
      listeners = List.copyOf(listeners);
      routes = List.copyOf(routes);
    }
  }

  /** Which change a push stage follows. */
  public enum ChangeKind {
    /** The service definition. */
    SERVICE,
    /** Only the endpoints. */
    ENDPOINTS
  }

  /** Whether a push carrying the change reached the proxy. */
  public enum Reach {
    /** A push reached the proxy after the change was pushed. */
    REACHED,
    /** The proxy connected after the push began: it got the state of then on connect. */
    CONNECTED_AFTER,
    /** No push reached the proxy since: scoped out or still queued. */
    NOT_REACHED,
    /** No push carried the change yet (debouncing). */
    NOT_PUSHED
  }

  /**
   * One change and the push that carried it.
   *
   * @param kind what changed
   * @param change the registry record of the change
   * @param push the first push that began after the change and covered the hostname
   * @param reach whether that push reached this proxy
   * @param detail one sentence saying why, for people
   */
  public record PushStage(ChangeKind kind, ObjectChange change, Optional<PushRecord> push, Reach reach,
      String detail) {
    public PushStage {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(change, "change");
      Objects.requireNonNull(push, "push");
      Objects.requireNonNull(reach, "reach");
    }
  }

  /** Whether the proxy has the current version of a resource; ordered from worst to best. */
  public enum ResourceStatus {
    /** The proxy rejected the response that carried the current version. */
    NACKED,
    /** The current version has not been sent to the proxy. */
    NOT_SENT,
    /** Sent, not ACKed yet. */
    SENT,
    /** The proxy ACKed the current version. */
    ACKED
  }

  /**
   * One resource of the hostname's, as the proxy holds it.
   *
   * @param name the resource name
   * @param status whether the proxy has its current version, or for a removed resource, its removal
   * @param removed true for a resource the proxy still held that is no longer generated
   */
  public record ResourceState(String name, ResourceStatus status, boolean removed) {}

  /**
   * The proxy stage for one xDS type.
   *
   * @param type the type
   * @param status the worst status of the resources; empty when the hostname yields none of this type
   * @param resources the hostname's resources of this type
   * @param sync the proxy's nonces and versions of this type, and its last NACK
   * @param detail why the resources stand where they do, for people
   */
  public record TypeStage(XdsType type, Optional<ResourceStatus> status, List<ResourceState> resources,
      TypeSyncState sync, String detail) {
    public TypeStage {
      Objects.requireNonNull(status, "status");
      resources = List.copyOf(resources);
      Objects.requireNonNull(sync, "sync");
    }
  }
}
