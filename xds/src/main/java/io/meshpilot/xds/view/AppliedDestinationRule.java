package io.meshpilot.xds.view;

import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.networking.ConfigMeta;
import io.meshpilot.registry.networking.DestinationRule;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The DestinationRule that applies to one host for one proxy (istiod's ConsolidatedDestRule): one
 * rule, or several rules for the host merged as istiod merges them. Compared by value, so a cache
 * key holding it stays valid while the rules it came from are unchanged.
 *
 * @param meta the first rule's metadata: its name is what config_dump and istioctl show
 * @param rule the merged spec: later rules' subsets appended, the first top-level traffic policy kept
 * @param from every rule merged into it, first one first
 */
public record AppliedDestinationRule(ConfigMeta meta, DestinationRule rule, List<ObjectKey> from) {
  public AppliedDestinationRule {
    Objects.requireNonNull(meta, "meta");
    Objects.requireNonNull(rule, "rule");
    from = List.copyOf(from);
  }

  /** The subset with this name, if the rule declares it. */
  public Optional<DestinationRule.Subset> subset(String name) {
    return rule.subsets().stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** The object that owns it: the first rule (the one its metadata names). */
  public ObjectKey object() {
    return meta.key();
  }

  /**
   * {@code /apis/networking.istio.io/v1/namespaces/<ns>/destination-rule/<name>}: the
   * {@code filter_metadata.istio.config} istiod puts on the clusters the rule shaped.
   */
  public String configPath() {
    return "/apis/networking.istio.io/v1/namespaces/" + meta.namespace() + "/destination-rule/" + meta.name();
  }
}
