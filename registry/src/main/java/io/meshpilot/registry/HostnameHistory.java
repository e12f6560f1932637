package io.meshpilot.registry;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The last change per hostname ({@link HostnameChanges}), for {@code /debug/why}. Only the latest
 * change of each kind is kept, never a log, and at most {@link #MAX_HOSTNAMES} hostnames: when
 * more have changed since start, the one changed longest ago is forgotten first (a hostname
 * changing often stays). Thread-safe.
 */
final class HostnameHistory {
  static final int MAX_HOSTNAMES = 65_536;

  // guarded by this
  private final Map<String, HostnameChanges> byHostname;

  HostnameHistory() {
    this(MAX_HOSTNAMES);
  }

  /** @param limit how many hostnames are kept at most */
  HostnameHistory(int limit) {
    this.byHostname = new LinkedHashMap<>(256, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, HostnameChanges> eldest) {
        return size() > limit;
      }
    };
  }

  /** The service definitions of these hostnames changed because of {@code cause}. */
  void services(Collection<String> hostnames, ObjectChange cause) {
    update(hostnames, h -> h.withService(cause));
  }

  /** Only the endpoints of these hostnames changed because of {@code cause}. */
  void endpoints(Collection<String> hostnames, ObjectChange cause) {
    update(hostnames, h -> h.withEndpoints(cause));
  }

  /** An object naming these hostnames was rejected. */
  void rejected(Collection<String> hostnames, ObjectChange cause) {
    update(hostnames, h -> h.withRejection(cause));
  }

  synchronized Optional<HostnameChanges> of(String hostname) {
    return Optional.ofNullable(byHostname.get(hostname));
  }

  private synchronized void update(Collection<String> hostnames, UnaryOperator<HostnameChanges> change) {
    for (String hostname : hostnames) {
      // removed and put again: the most recently changed hostname is the last to be forgotten
      HostnameChanges previous = byHostname.remove(hostname);
      byHostname.put(hostname, change.apply(previous == null ? HostnameChanges.NONE : previous));
    }
  }
}
