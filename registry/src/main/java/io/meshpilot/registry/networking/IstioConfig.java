package io.meshpilot.registry.networking;

import java.util.Comparator;
import java.util.Objects;

/** One accepted Istio config object: its metadata and its (validated) spec. */
public record IstioConfig<S>(ConfigMeta meta, S spec) {
  /** istiod's order for configs of one kind: oldest first, then by namespace and name. */
  public static final Comparator<IstioConfig<?>> ISTIO_ORDER = Comparator
      .comparing((IstioConfig<?> c) -> c.meta().creationTimestamp())
      .thenComparing(c -> c.meta().namespace())
      .thenComparing(c -> c.meta().name());

  public IstioConfig {
    Objects.requireNonNull(meta, "meta");
    Objects.requireNonNull(spec, "spec");
  }

  public String namespace() {
    return meta.namespace();
  }

  public String name() {
    return meta.name();
  }
}
