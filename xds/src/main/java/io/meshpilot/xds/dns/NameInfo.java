package io.meshpilot.xds.dns;

import java.util.List;
import java.util.Objects;

/**
 * One hostname's entry in the name table (NDS {@code NameTable.NameInfo}).
 *
 * @param ips the addresses the agent answers with
 * @param registry {@code Kubernetes} or {@code External}
 * @param shortname the Kubernetes Service name (or {@code <pod>.<subdomain>}), from which the agent
 *     answers {@code name}, {@code name.ns} and {@code name.ns.svc} too; {@code ""} for ServiceEntries
 * @param namespace the Kubernetes namespace, with {@code shortname}
 */
public record NameInfo(List<String> ips, String registry, String shortname, String namespace) {
  public NameInfo {
    ips = List.copyOf(ips);
    Objects.requireNonNull(registry, "registry");
    shortname = Objects.requireNonNullElse(shortname, "");
    namespace = Objects.requireNonNullElse(namespace, "");
  }

  /** This entry with more addresses (a ServiceEntry with several addresses, merged per host). */
  NameInfo plus(List<String> more) {
    List<String> all = new java.util.ArrayList<>(ips);
    all.addAll(more);
    return new NameInfo(all, registry, shortname, namespace);
  }
}
