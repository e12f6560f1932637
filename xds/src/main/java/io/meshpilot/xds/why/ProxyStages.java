package io.meshpilot.xds.why;

import io.meshpilot.xds.server.ProxyHoldings;
import io.meshpilot.xds.server.ResourceVersions;
import io.meshpilot.xds.server.TypeSyncState;
import io.meshpilot.xds.server.XdsType;
import io.meshpilot.xds.why.WhyReport.ResourceState;
import io.meshpilot.xds.why.WhyReport.ResourceStatus;
import io.meshpilot.xds.why.WhyReport.TypeStage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The proxy stage of one xDS type: compares the version of each of the hostname's resources now
 * with what the connection last sent and what the proxy last ACKed (the connection keeps both per
 * type, not per hostname), and says why a resource has not arrived.
 */
final class ProxyStages {
  private ProxyStages() {}

  /**
   * @param current the hostname's resources of this type as generated now (name → version)
   * @param names the hostname's resource names in {@code current}
   * @param ofHostname tells the hostname's names among those the proxy holds (removals)
   * @param holdings the connection's state
   */
  static TypeStage of(XdsType type, ResourceVersions current, List<String> names, Predicate<String> ofHostname,
      ProxyHoldings holdings) {
    TypeSyncState sync = holdings.sync().type(type);
    Optional<ProxyHoldings.TypeHolding> holding = Optional.ofNullable(holdings.types().get(type));
    List<ResourceState> resources = new ArrayList<>();
    for (String name : names) {
      String version = current.versionOf(name);
      resources.add(new ResourceState(name,
          holding.map(h -> status(h, sync, name, version)).orElse(ResourceStatus.NOT_SENT), false));
    }
    holding.ifPresent(h -> {
      TreeSet<String> gone = new TreeSet<>();
      h.acked().names().stream().filter(ofHostname).filter(n -> current.versionOf(n) == null).forEach(gone::add);
      h.sent().names().stream().filter(ofHostname).filter(n -> current.versionOf(n) == null).forEach(gone::add);
      for (String name : gone) {
        resources.add(new ResourceState(name, removal(h, sync, name), true));
      }
    });
    Optional<ResourceStatus> worst = resources.stream().map(ResourceState::status).min(Comparator.naturalOrder());
    String detail = worst.map(w -> detail(type, w, resources, sync, holding, holdings.streamReady()))
        .orElse("the hostname yields no " + label(type) + " for this proxy");
    return new TypeStage(type, worst, resources, sync, detail);
  }

  /** A resource's status from its current version: held, sent, or neither. */
  private static ResourceStatus status(ProxyHoldings.TypeHolding holding, TypeSyncState sync, String name,
      String version) {
    if (Objects.equals(holding.acked().versionOf(name), version)) {
      return ResourceStatus.ACKED;
    }
    if (Objects.equals(holding.sent().versionOf(name), version)) {
      return lastResponseRejected(sync) ? ResourceStatus.NACKED : ResourceStatus.SENT;
    }
    return ResourceStatus.NOT_SENT;
  }

  /**
   * True when the proxy NACKed the last response: a NACK stays recorded until the next ACK, but a
   * response sent after it is not answered yet.
   */
  private static boolean lastResponseRejected(TypeSyncState sync) {
    return sync.lastErrorAt().isPresent()
        && sync.lastSent().map(sent -> !sent.isAfter(sync.lastErrorAt().get())).orElse(true);
  }

  /** A removed resource's status: its removal is ACKed once the proxy no longer holds it. */
  private static ResourceStatus removal(ProxyHoldings.TypeHolding holding, TypeSyncState sync, String name) {
    if (holding.sent().versionOf(name) != null) {
      return ResourceStatus.NOT_SENT;
    }
    return lastResponseRejected(sync) ? ResourceStatus.NACKED : ResourceStatus.SENT;
  }

  private static String detail(XdsType type, ResourceStatus worst, List<ResourceState> resources,
      TypeSyncState sync, Optional<ProxyHoldings.TypeHolding> holding, boolean streamReady) {
    return switch (worst) {
      case ACKED -> "ACKed: the proxy has the current version (last ACK nonce " + sync.nonceAcked()
          + ", version " + sync.versionAcked() + ")";
      case SENT -> "sent as nonce " + sync.nonceSent() + " (version " + sync.versionSent() + ") at "
          + sync.lastSent().map(Object::toString).orElse("?") + "; not ACKed yet";
      case NACKED -> "NACKed at " + sync.lastErrorAt().map(Object::toString).orElse("?") + " (nonce "
          + sync.nonceSent() + "): " + sync.lastError().orElse("");
      case NOT_SENT -> notSent(type, resources, sync, holding, streamReady);
    };
  }

  private static String notSent(XdsType type, List<ResourceState> resources, TypeSyncState sync,
      Optional<ProxyHoldings.TypeHolding> holding, boolean streamReady) {
    if (holding.isEmpty()) {
      return "not yet sent: the proxy has not asked for " + label(type) + " yet";
    }
    if (!type.wildcard()) {
      Optional<String> unwatched = resources.stream()
          .filter(r -> r.status() == ResourceStatus.NOT_SENT && !r.removed())
          .map(ResourceState::name)
          .filter(n -> !sync.watchedNames().contains(n))
          .findFirst();
      if (unwatched.isPresent()) {
        return "not yet sent: the proxy does not watch " + unwatched.get()
            + (type == XdsType.ENDPOINT ? " (it has not accepted that cluster)" : "");
      }
    }
    ProxyHoldings.TypeHolding h = holding.get();
    if (h.pending() && !h.requested()) {
      return "not yet sent: waiting for the proxy to ACK or NACK nonce " + sync.nonceSent()
          + " first (one response in flight per type)";
    }
    if (h.pending() && !streamReady) {
      return "not yet sent: held back by flow control (the proxy is not reading its stream)";
    }
    if (h.pending()) {
      return "not yet sent: queued for sending (send budget)";
    }
    return "not yet sent: no push has reached this proxy since the change (debounce, push queue or push scoping)";
  }

  private static String label(XdsType type) {
    return type.shortName().toUpperCase(java.util.Locale.ROOT);
  }
}
