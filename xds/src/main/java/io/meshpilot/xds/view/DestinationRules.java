package io.meshpilot.xds.view;

import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.model.Service;
import io.meshpilot.registry.networking.ConfigMeta;
import io.meshpilot.registry.networking.DestinationRule;
import io.meshpilot.registry.networking.IstioConfig;
import io.meshpilot.registry.networking.TrafficConfigs;
import io.meshpilot.xds.MeshSettings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Which DestinationRule applies to a host for a proxy, as istiod's PushContext decides it: rules
 * indexed once per set of accepted configs by namespace (namespace-local, exported, and the root
 * namespace's private ones), several rules for one host merged (subsets appended, the first
 * top-level traffic policy kept; rules with a workloadSelector before the others), the most
 * specific host winning (exact, then the longest wildcard). A proxy looks in its own namespace
 * first, then the service's, then the root namespace.
 */
public final class DestinationRules {
  private static final String PUBLIC = "*";
  private static final String PRIVATE = ".";
  public static final DestinationRules EMPTY = of(TrafficConfigs.EMPTY, MeshSettings.defaults());

  private final String rootNamespace;
  private final Map<String, HostIndex> namespaceLocal;
  private final Map<String, HostIndex> exportedByNamespace;
  private final HostIndex rootNamespaceLocal;
  // Namespaces holding a rule with a workloadSelector: only proxies there depend on their labels.
  private final Map<String, List<Consolidated>> selectorRulesByNamespace;
  // Whether any rule hashes (consistentHash at some level): only then do routes depend on rules.
  private final boolean hashing;
  // Whether any rule may order endpoints by locality, and the failoverPriority labels rules name.
  private final boolean localityLoadBalancing;
  private final Set<String> failoverPriorityLabels;
  // Each accepted rule's resolved host: where a change of the rule can make a difference.
  private final Map<ObjectKey, String> hostByRule;

  private DestinationRules(String rootNamespace, Map<String, HostIndex> namespaceLocal,
      Map<String, HostIndex> exportedByNamespace, HostIndex rootNamespaceLocal,
      Map<String, List<Consolidated>> selectorRulesByNamespace, boolean hashing, List<DestinationRule> rules,
      Map<ObjectKey, String> hostByRule) {
    this.rootNamespace = rootNamespace;
    this.hostByRule = hostByRule;
    this.namespaceLocal = namespaceLocal;
    this.exportedByNamespace = exportedByNamespace;
    this.rootNamespaceLocal = rootNamespaceLocal;
    this.selectorRulesByNamespace = selectorRulesByNamespace;
    this.hashing = hashing;
    List<TrafficPolicyLevel> levels = rules.stream().flatMap(DestinationRules::levels).toList();
    this.localityLoadBalancing = levels.stream().anyMatch(TrafficPolicyLevel::localityLoadBalancing);
    Set<String> labels = new TreeSet<>();
    levels.stream().map(TrafficPolicyLevel::locality).filter(Objects::nonNull)
        .forEach(l -> labels.addAll(l.failoverPriority()));
    this.failoverPriorityLabels = Set.copyOf(labels);
  }

  /** Indexes the accepted rules with the mesh's root namespace, domain and default exportTo. */
  public static DestinationRules of(TrafficConfigs configs, MeshSettings settings) {
    List<IstioConfig<DestinationRule>> sorted = new ArrayList<>(configs.destinationRules());
    // istiod: rules with a selector first, then oldest first, then by name and namespace
    sorted.sort(Comparator.comparing((IstioConfig<DestinationRule> c) -> c.spec().workloadSelector() == null)
        .thenComparing(c -> c.meta().creationTimestamp())
        .thenComparing(IstioConfig::name)
        .thenComparing(IstioConfig::namespace));
    boolean defaultPrivate = settings.defaultDestinationRuleExportTo().contains(PRIVATE);
    Map<String, HostIndex> local = new HashMap<>();
    Map<String, HostIndex> exported = new HashMap<>();
    HostIndex rootLocal = new HostIndex();
    Map<String, List<Consolidated>> selectors = new HashMap<>();
    Map<ObjectKey, String> hosts = new HashMap<>();
    for (IstioConfig<DestinationRule> config : sorted) {
      String namespace = config.namespace();
      DestinationRule rule = config.spec();
      String host = fullyQualified(rule.host(), namespace, settings.domainSuffix());
      hosts.put(config.meta().key(), host);
      // a rule with a selector is never exported to other namespaces
      Set<String> exportTo = rule.workloadSelector() == null ? Set.copyOf(rule.exportTo()) : Set.of(PRIVATE);
      Entry entry = new Entry(config.meta(), rule, host, exportTo);
      if (exportTo.isEmpty() || exportTo.contains(PUBLIC) || exportTo.contains(PRIVATE)
          || exportTo.contains(namespace)) {
        local.computeIfAbsent(namespace, n -> new HostIndex()).merge(entry);
      }
      boolean privateOnly = exportTo.isEmpty() ? defaultPrivate
          : exportTo.size() == 1 && (exportTo.contains(PRIVATE) || exportTo.contains(namespace));
      if (!privateOnly) {
        exported.computeIfAbsent(namespace, n -> new HostIndex()).merge(entry);
      } else if (namespace.equals(settings.rootNamespace())) {
        rootLocal.merge(entry);
      }
    }
    local.forEach((namespace, index) -> index.all().stream()
        .filter(c -> c.selector() != null)
        .forEach(c -> selectors.computeIfAbsent(namespace, n -> new ArrayList<>()).add(c)));
    boolean hashing = sorted.stream().map(IstioConfig::spec).anyMatch(DestinationRules::hashes);
    return new DestinationRules(settings.rootNamespace(), local, exported, rootLocal, selectors, hashing,
        sorted.stream().map(IstioConfig::spec).toList(), Map.copyOf(hosts));
  }

  /**
   * True when some rule may order endpoints relative to the proxy's locality (at rule, port or
   * subset level: outlier detection, which turns on failover, or a locality distribution): only
   * then do endpoint responses depend on where the proxy runs.
   */
  public boolean localityLoadBalancing() {
    return localityLoadBalancing;
  }

  /** The failoverPriority entries some rule names at some level. */
  public Set<String> failoverPriorityLabels() {
    return failoverPriorityLabels;
  }

  /** The outlier detection and locality setting of one level of a rule's policies. */
  private record TrafficPolicyLevel(DestinationRule.OutlierDetection outlierDetection,
      DestinationRule.LocalityLbSetting locality) {
    boolean localityLoadBalancing() {
      return outlierDetection != null || (locality != null && !locality.distribute().isEmpty());
    }
  }

  private static Stream<TrafficPolicyLevel> levels(DestinationRule rule) {
    List<DestinationRule.TrafficPolicy> policies = new ArrayList<>();
    policies.add(rule.trafficPolicy());
    rule.subsets().forEach(subset -> policies.add(subset.trafficPolicy()));
    List<TrafficPolicyLevel> levels = new ArrayList<>();
    for (DestinationRule.TrafficPolicy policy : policies) {
      if (policy != null) {
        levels.add(new TrafficPolicyLevel(policy.outlierDetection(), locality(policy.loadBalancer())));
        policy.portLevelSettings().forEach(level ->
            levels.add(new TrafficPolicyLevel(level.outlierDetection(), locality(level.loadBalancer()))));
      }
    }
    return levels.stream();
  }

  private static DestinationRule.LocalityLbSetting locality(DestinationRule.LoadBalancerSettings lb) {
    return lb == null ? null : lb.localityLbSetting();
  }

  /**
   * True when the rule {@code key} is merged into what some service of {@code scope} resolves to for
   * the scope's proxies (istiod's SidecarScope config dependency on a DestinationRule): a rule
   * exported only to its namespace is seen from there alone, and one with a workloadSelector by
   * every proxy of its namespace that sees the host, whatever its labels. Only the services under
   * the rule's host are looked at, so the cost is the host's, not the scope's.
   */
  public boolean shapes(ObjectKey key, SidecarScope scope) {
    String host = hostByRule.get(key);
    if (host == null) {
      return false;
    }
    String namespace = scope.id().namespace();
    if (!host.startsWith("*")) {
      return scope.service(host).filter(service -> mergesIn(key, namespace, service)).isPresent();
    }
    String suffix = host.substring(1);
    return scope.services().services().stream()
        .filter(service -> service.hostname().endsWith(suffix))
        .anyMatch(service -> mergesIn(key, namespace, service));
  }

  /** True when the rule {@code key} is part of the inbound rule of {@code service} (see {@link #forInbound}). */
  public boolean shapesInbound(ObjectKey key, Service service) {
    return hostByRule.containsKey(key) && forInbound(service).filter(r -> r.from().contains(key)).isPresent();
  }

  private boolean mergesIn(ObjectKey key, String namespace, Service service) {
    return candidates(namespace, service).stream().anyMatch(c -> c.from.contains(key));
  }

  /**
   * True when some rule sets a consistent hash (at rule, port or subset level): routes then carry
   * hash policies and depend on which rule applies; otherwise they depend on no rule at all.
   */
  public boolean hashing() {
    return hashing;
  }

  private static boolean hashes(DestinationRule rule) {
    return hashes(rule.trafficPolicy())
        || rule.subsets().stream().anyMatch(subset -> hashes(subset.trafficPolicy()));
  }

  private static boolean hashes(DestinationRule.TrafficPolicy policy) {
    return policy != null && ((policy.loadBalancer() != null && policy.loadBalancer().consistentHash() != null)
        || policy.portLevelSettings().stream()
            .anyMatch(level -> level.loadBalancer() != null && level.loadBalancer().consistentHash() != null));
  }

  /**
   * The rule for {@code service} as a proxy in {@code namespace} with these workload labels sees
   * it: a rule of its own namespace whose selector matches its labels, else the catch-all one.
   */
  public Optional<AppliedDestinationRule> forProxy(String namespace, Map<String, String> labels, Service service) {
    Consolidated catchAll = null;
    for (Consolidated candidate : candidates(namespace, service)) {
      if (candidate.selector() == null) {
        catchAll = candidate;
      } else if (candidate.meta.namespace().equals(namespace)
          && labels.entrySet().containsAll(candidate.selector().entrySet())) {
        return Optional.of(candidate.applied());
      }
    }
    return Optional.ofNullable(catchAll).map(Consolidated::applied);
  }

  /**
   * The rule whose connection pool the inbound clusters of {@code service} take on its own
   * workloads' proxies: the catch-all one as a proxy of the service's namespace sees it
   * (workloadSelector rules shape outbound traffic only, as in istiod).
   */
  public Optional<AppliedDestinationRule> forInbound(Service service) {
    String namespace = service.attributes().namespace();
    Consolidated catchAll = null;
    for (Consolidated candidate : candidates(namespace, service)) {
      if (candidate.selector() == null) {
        catchAll = candidate;
      }
    }
    return Optional.ofNullable(catchAll).map(Consolidated::applied);
  }

  /**
   * The rules with a workloadSelector in {@code namespace} that select these labels: the only part
   * of a proxy's labels its outbound config depends on (empty for almost every proxy).
   */
  public List<ObjectKey> selecting(String namespace, Map<String, String> labels) {
    List<Consolidated> rules = selectorRulesByNamespace.get(namespace);
    if (rules == null) {
      return List.of();
    }
    return rules.stream()
        .filter(c -> labels.entrySet().containsAll(c.selector().entrySet()))
        .map(c -> c.meta.key())
        .toList();
  }

  /** The merged rules a proxy in this namespace may use for the service, before selector matching. */
  private List<Consolidated> candidates(String namespace, Service service) {
    String hostname = service.hostname();
    if (!namespace.equals(rootNamespace)) {
      HostIndex own = namespaceLocal.get(namespace);
      if (own != null) {
        Optional<List<Consolidated>> found = own.mostSpecific(hostname);
        if (found.isPresent()) {
          return found.get();
        }
      }
    } else {
      Optional<List<Consolidated>> found = rootNamespaceLocal.mostSpecific(hostname);
      if (found.isPresent()) {
        return found.get();
      }
    }
    List<Consolidated> fromService = exportedFrom(service.attributes().namespace(), hostname, namespace);
    if (!fromService.isEmpty()) {
      return fromService;
    }
    return exportedFrom(rootNamespace, hostname, namespace);
  }

  private List<Consolidated> exportedFrom(String owner, String hostname, String client) {
    HostIndex index = exportedByNamespace.get(owner);
    if (owner.isEmpty() || index == null) {
      return List.of();
    }
    return index.mostSpecific(hostname).orElse(List.of()).stream()
        .filter(c -> c.exportTo.isEmpty() || c.exportTo.contains(PUBLIC) || c.exportTo.contains(client))
        .toList();
  }

  /** istiod's ResolveShortnameToFQDN: a name without dots is a service of the rule's namespace. */
  static String fullyQualified(String host, String namespace, String domainSuffix) {
    if (host == null || host.isEmpty() || host.equals("*") || host.contains(".") || host.contains(":")) {
      return host == null ? "" : host;
    }
    return host + "." + namespace + ".svc." + domainSuffix;
  }

  /** One accepted rule with its resolved host and effective exportTo. */
  private record Entry(ConfigMeta meta, DestinationRule rule, String host, Set<String> exportTo) {}

  /** Rules by host: exact hosts and wildcard ones apart, each host's merged rules in order. */
  private static final class HostIndex {
    private final Map<String, List<Consolidated>> specific = new HashMap<>();
    private final Map<String, List<Consolidated>> wildcard = new HashMap<>();

    List<Consolidated> all() {
      List<Consolidated> all = new ArrayList<>();
      specific.values().forEach(all::addAll);
      wildcard.values().forEach(all::addAll);
      return all;
    }

    /** istiod's mergeDestinationRule (with its enhanced, exportTo-aware merge, on by default). */
    void merge(Entry entry) {
      Map<String, List<Consolidated>> byHost = entry.host.startsWith("*") ? wildcard : specific;
      List<Consolidated> existing = byHost.get(entry.host);
      if (existing == null) {
        byHost.put(entry.host, new ArrayList<>(List.of(new Consolidated(entry))));
        return;
      }
      boolean appendSeparately = true;
      Map<String, String> incomingSelector = selector(entry.rule);
      for (Consolidated merged : existing) {
        if (entry.exportTo.equals(merged.exportTo)) {
          appendSeparately = false;
        } else if (!merged.exportTo.isEmpty() && entry.exportTo.containsAll(merged.exportTo)) {
          appendSeparately = true; // merged into this one and kept on its own as well
        } else {
          appendSeparately = true;
          continue;
        }
        Map<String, String> existingSelector = merged.selector();
        boolean bothWithout = incomingSelector == null && existingSelector == null;
        boolean bothWith = incomingSelector != null && existingSelector != null;
        if (bothWith && !incomingSelector.equals(existingSelector)) {
          appendSeparately = true;
          continue;
        }
        if (bothWithout || bothWith) {
          appendSeparately = false;
        }
        merged.absorb(entry);
      }
      if (appendSeparately) {
        existing.add(new Consolidated(entry));
      }
    }

    /** istiod's MostSpecificHostMatch: the exact host, else the longest wildcard that covers it. */
    Optional<List<Consolidated>> mostSpecific(String hostname) {
      String needle = hostname;
      if (hostname.startsWith("*")) {
        List<Consolidated> exact = wildcard.get(hostname);
        if (exact != null) {
          return Optional.of(exact);
        }
        needle = hostname.substring(1);
      } else {
        List<Consolidated> exact = specific.get(hostname);
        if (exact != null) {
          return Optional.of(exact);
        }
      }
      String best = null;
      for (String host : wildcard.keySet()) {
        if (needle.endsWith(host.substring(1)) && (best == null || host.length() > best.length())) {
          best = host;
        }
      }
      return Optional.ofNullable(best).map(wildcard::get);
    }
  }

  private static Map<String, String> selector(DestinationRule rule) {
    return rule.workloadSelector() == null ? null : rule.workloadSelector().selector();
  }

  /** A host's rule as merged so far; frozen into an {@link AppliedDestinationRule} when read. */
  private static final class Consolidated {
    private final ConfigMeta meta;
    private final Set<String> exportTo;
    private final DestinationRule first;
    private final String host;
    private final List<DestinationRule.Subset> subsets;
    private final List<ObjectKey> from = new ArrayList<>();
    private DestinationRule.TrafficPolicy trafficPolicy;
    private AppliedDestinationRule applied;

    Consolidated(Entry entry) {
      this.meta = entry.meta;
      this.exportTo = entry.exportTo;
      this.first = entry.rule;
      this.host = entry.host;
      this.subsets = new ArrayList<>(entry.rule.subsets());
      this.trafficPolicy = entry.rule.trafficPolicy();
      this.from.add(entry.meta.key());
    }

    Map<String, String> selector() {
      return DestinationRules.selector(first);
    }

    void absorb(Entry entry) {
      from.add(entry.meta.key());
      Set<String> names = new LinkedHashSet<>();
      subsets.forEach(s -> names.add(s.name()));
      // a subset name already declared keeps its first declaration, as in istiod
      entry.rule.subsets().stream().filter(s -> names.add(s.name())).forEach(subsets::add);
      if (trafficPolicy == null) {
        trafficPolicy = entry.rule.trafficPolicy();
      }
      applied = null;
    }

    AppliedDestinationRule applied() {
      AppliedDestinationRule result = applied;
      if (result == null) {
        DestinationRule merged = new DestinationRule(host, trafficPolicy, subsets, first.exportTo(),
            first.workloadSelector());
        result = new AppliedDestinationRule(meta, merged, from);
        applied = result;
      }
      return result;
    }
  }
}
