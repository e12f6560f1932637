package io.meshpilot.xds.view;

import io.meshpilot.registry.model.Service;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code hosts} of one Sidecar egress listener, as istiod classifies them: {@code namespace/dnsName}
 * where the namespace is a name, {@code .} (the proxy's config namespace) or {@code *} (any), and the
 * DNS name is exact, {@code *} or a wildcard such as {@code *.example.com}. A {@code ~} before the
 * namespace excludes the hosts instead ({@code ~/*} therefore imports nothing).
 */
final class EgressHosts {
  private static final Logger LOG = LoggerFactory.getLogger(EgressHosts.class);
  private static final String ANY_NAMESPACE = "*";

  /** The imported and excluded DNS names of one namespace key. */
  private record Names(Set<String> exact, List<String> all, List<String> excluded) {
    Names() {
      this(new HashSet<>(), new ArrayList<>(), new ArrayList<>());
    }

    boolean excludes(String hostname) {
      return excluded.stream().anyMatch(pattern -> subsetOf(hostname, pattern));
    }

    boolean imports(String hostname) {
      if (exact.contains(hostname)) {
        return true;
      }
      boolean wildcarded = hostname.startsWith("*");
      // two exact names match only by the exact lookup above, as istiod's hostClassification does
      return all.stream().anyMatch(pattern -> (wildcarded || pattern.startsWith("*")) && subsetOf(hostname, pattern));
    }
  }

  private final Map<String, Names> byNamespace;

  private EgressHosts(Map<String, Names> byNamespace) {
    this.byNamespace = byNamespace;
  }

  /**
   * Classifies the listener's hosts; {@code .} means {@code configNamespace}. A host without exactly
   * one {@code /} is skipped with a log line (validation rejects it before it gets here).
   */
  static EgressHosts parse(List<String> hosts, String configNamespace) {
    Map<String, Names> byNamespace = new HashMap<>();
    for (String host : hosts) {
      int slash = host.indexOf('/');
      if (slash < 0 || host.indexOf('/', slash + 1) >= 0) {
        LOG.warn("Sidecar egress host {} ignored: a host must be namespace/dnsName", host);
        continue;
      }
      String namespace = host.substring(0, slash);
      String name = host.substring(slash + 1);
      boolean excluded = namespace.startsWith("~");
      if (excluded) {
        namespace = namespace.substring(1);
        if (namespace.isEmpty()) {
          namespace = ANY_NAMESPACE;
        }
      }
      if (namespace.equals(".")) {
        namespace = configNamespace;
      }
      Names names = byNamespace.computeIfAbsent(namespace, n -> new Names());
      if (excluded) {
        names.excluded().add(name);
      } else {
        if (!name.startsWith("*")) {
          names.exact().add(name);
        }
        names.all().add(name);
      }
    }
    return new EgressHosts(byNamespace);
  }

  /** True when the hosts import the service: by its own namespace, else by {@code *}, and no exclusion applies. */
  boolean imports(Service service) {
    String hostname = service.hostname();
    Optional<Names> own = Optional.ofNullable(byNamespace.get(service.attributes().namespace()));
    Optional<Names> any = Optional.ofNullable(byNamespace.get(ANY_NAMESPACE));
    if (own.map(n -> n.excludes(hostname)).orElse(false) || any.map(n -> n.excludes(hostname)).orElse(false)) {
      return false;
    }
    return own.map(n -> n.imports(hostname)).orElse(false) || any.map(n -> n.imports(hostname)).orElse(false);
  }

  /**
   * True when the hosts select the VirtualService (istiod's SelectVirtualServices): an import of its
   * namespace or of {@code *} names one of its hosts exactly, or overlaps one by wildcard (two
   * wildcards overlap when one contains the other). Exclusions ({@code ~}) do not apply here.
   */
  boolean selects(MeshVirtualService vs) {
    for (String namespace : new String[] {vs.namespace(), ANY_NAMESPACE}) {
      Names names = byNamespace.get(namespace);
      if (names != null && vs.spec().hosts().stream().anyMatch(h -> names.exact().contains(h) || overlapsAny(h, names))) {
        return true;
      }
    }
    return false;
  }

  private static boolean overlapsAny(String vsHost, Names names) {
    return names.all().stream().anyMatch(pattern -> subsetOf(vsHost, pattern) || subsetOf(pattern, vsHost));
  }

  /**
   * istiod's {@code host.Name.SubsetOf}: every name {@code hostname} matches is also matched by
   * {@code pattern}; {@code *} matches everything, {@code *.b.c} matches {@code a.b.c} and {@code *.a.b.c}.
   */
  static boolean subsetOf(String hostname, String pattern) {
    if (hostname.equals(pattern)) {
      return true;
    }
    if (!pattern.startsWith("*")) {
      return false;
    }
    String suffix = pattern.substring(1);
    return hostname.startsWith("*") ? hostname.substring(1).endsWith(suffix) : hostname.endsWith(suffix);
  }
}
