package io.meshpilot.registry;

import io.meshpilot.registry.MeshRegistry.ChangeSet;
import io.meshpilot.registry.networking.DestinationRule;
import io.meshpilot.registry.networking.IstioConfig;
import io.meshpilot.registry.networking.Sidecar;
import io.meshpilot.registry.networking.StoredConfig;
import io.meshpilot.registry.networking.TrafficConfigs;
import io.meshpilot.registry.networking.VirtualService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The Istio config half of the registry: the accepted DestinationRules, VirtualServices and
 * Sidecars, published as one immutable {@link TrafficConfigs} after every change, and every
 * accepted Istio object (ServiceEntries too) as {@code /debug/configz} lists it.
 *
 * <p>Of several Sidecars without a workloadSelector in one namespace only the oldest applies, as in
 * istiod (whose push context takes the first by creation time); the others are left out of the
 * snapshot and reported by {@link #shadowedSidecars()}. The views are rebuilt on first read after a
 * change, so an initial list of thousands of objects sorts once, not once per object. Not
 * thread-safe: {@link MeshRegistry} holds its lock for every call.
 */
final class TrafficConfigState {
  private static final Comparator<StoredConfig> CONFIGZ_ORDER = Comparator
      .comparing(StoredConfig::kind)
      .thenComparing(c -> c.meta().namespace())
      .thenComparing(c -> c.meta().name());

  private final Map<ObjectKey, IstioConfig<?>> accepted = new HashMap<>();
  private final Map<ObjectKey, StoredConfig> stored = new HashMap<>();
  private TrafficConfigs snapshot = TrafficConfigs.EMPTY;
  private List<StoredConfig> storedView = List.of();
  private Map<ObjectKey, ObjectKey> shadowed = Map.of();
  private boolean trafficDirty;
  private boolean storedDirty;

  /** Adds or replaces a valid traffic config; no change is recorded when it is what was held. */
  void put(IstioConfig<?> config, StoredConfig printed, ChangeSet changes) {
    ObjectKey key = config.meta().key();
    if (config.equals(accepted.get(key))) {
      return;
    }
    accepted.put(key, config);
    stored.put(key, printed);
    changes.config(key);
    trafficDirty = true;
    storedDirty = true;
  }

  /** Drops a traffic config (deleted, or replaced by an invalid version). */
  void remove(ObjectKey key, ChangeSet changes) {
    if (accepted.remove(key) == null) {
      return;
    }
    stored.remove(key);
    changes.config(key);
    trafficDirty = true;
    storedDirty = true;
  }

  /**
   * Lists an accepted ServiceEntry or WorkloadEntry in the config store view (what they make, services
   * and endpoints, lives in ServiceEntryState).
   */
  void storeRegistryConfig(StoredConfig entry) {
    if (!entry.equals(stored.put(entry.meta().key(), entry))) {
      storedDirty = true;
    }
  }

  void removeRegistryConfig(ObjectKey key) {
    if (stored.remove(key) != null) {
      storedDirty = true;
    }
  }

  TrafficConfigs snapshot() {
    rebuildIfChanged();
    return snapshot;
  }

  List<StoredConfig> stored() {
    if (storedDirty) {
      storedView = stored.values().stream().sorted(CONFIGZ_ORDER).toList();
      storedDirty = false;
    }
    return storedView;
  }

  /** Each ignored namespace-wide Sidecar, with the older one of its namespace that applies instead. */
  Map<ObjectKey, ObjectKey> shadowedSidecars() {
    rebuildIfChanged();
    return shadowed;
  }

  private void rebuildIfChanged() {
    if (!trafficDirty) {
      return;
    }
    trafficDirty = false;
    List<IstioConfig<DestinationRule>> rules = new ArrayList<>();
    List<IstioConfig<VirtualService>> virtualServices = new ArrayList<>();
    List<IstioConfig<Sidecar>> sidecars = new ArrayList<>();
    for (IstioConfig<?> config : accepted.values()) {
      switch (config.spec()) {
        case DestinationRule rule -> rules.add(new IstioConfig<>(config.meta(), rule));
        case VirtualService vs -> virtualServices.add(new IstioConfig<>(config.meta(), vs));
        case Sidecar sidecar -> sidecars.add(new IstioConfig<>(config.meta(), sidecar));
        default -> throw new IllegalStateException("not a traffic config: " + config.meta().key());
      }
    }
    rules.sort(IstioConfig.ISTIO_ORDER);
    virtualServices.sort(IstioConfig.ISTIO_ORDER);
    sidecars.sort(IstioConfig.ISTIO_ORDER);
    Map<ObjectKey, ObjectKey> ignored = new TreeMap<>();
    Map<String, ObjectKey> namespaceDefault = new HashMap<>();
    List<IstioConfig<Sidecar>> applying = new ArrayList<>();
    for (IstioConfig<Sidecar> sidecar : sidecars) {
      if (sidecar.spec().workloadSelector() == null) {
        ObjectKey first = namespaceDefault.putIfAbsent(sidecar.namespace(), sidecar.meta().key());
        if (first != null) {
          ignored.put(sidecar.meta().key(), first);
          continue;
        }
      }
      applying.add(sidecar);
    }
    shadowed = Map.copyOf(ignored);
    snapshot = new TrafficConfigs(rules, virtualServices, applying);
  }

  /** The accepted config with this key, if any. */
  Optional<IstioConfig<?>> get(ObjectKey key) {
    return Optional.ofNullable(accepted.get(Objects.requireNonNull(key)));
  }
}
