package io.meshpilot.debughttp;

import io.meshpilot.registry.model.AutoAllocation;
import io.meshpilot.registry.model.Service;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * meshpilot's optional filters on {@code /debug/registryz} (istiod has none): {@code ?namespace=}
 * (exact), {@code ?hostname=} (a glob where {@code *} matches any run of characters and {@code ?}
 * one character, ignoring ASCII case as DNS does), {@code ?registry=} ({@code Kubernetes} or
 * {@code External}, any case) and {@code ?autoAllocation=} ({@code status}, {@code in-memory} or
 * {@code none}: where a service's {@code autoAllocatedIPv4Address} came from). A parameter that is
 * absent or empty does not filter, so a request without them gets istiod's unfiltered output.
 *
 * @param namespace the namespace a service must be in
 * @param hostnameGlob the glob a service's hostname must match
 * @param registry the registry ({@code Attributes.ServiceRegistry}) a service must come from
 * @param autoAllocation the source of auto-allocated VIPs a service must have ({@link AutoAllocation#wireName})
 */
public record RegistryzFilter(Optional<String> namespace, Optional<String> hostnameGlob, Optional<String> registry,
    Optional<String> autoAllocation) {

  public RegistryzFilter {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(hostnameGlob, "hostnameGlob");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(autoAllocation, "autoAllocation");
  }

  /** A filter that lets every service through. */
  public static RegistryzFilter none() {
    return new RegistryzFilter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /**
   * Reads the filter from decoded query parameters; the first value of each parameter counts.
   *
   * @param query parameter name to its values, as decoded from the request's query string
   */
  public static RegistryzFilter fromQuery(Map<String, List<String>> query) {
    return new RegistryzFilter(first(query, "namespace"), first(query, "hostname"), first(query, "registry"),
        first(query, "autoAllocation"));
  }

  /** True when the service passes every filter that is set. */
  public boolean matches(Service s) {
    return namespace.map(ns -> ns.equals(s.attributes().namespace())).orElse(true)
        && hostnameGlob.map(glob -> globMatches(glob, s.hostname())).orElse(true)
        && registry.map(r -> r.equalsIgnoreCase(s.attributes().registry().wireName())).orElse(true)
        && autoAllocation.map(a -> a.equalsIgnoreCase(s.autoAllocation().wireName())).orElse(true);
  }

  /** True when no parameter is set. */
  public boolean isEmpty() {
    return namespace.isEmpty() && hostnameGlob.isEmpty() && registry.isEmpty() && autoAllocation.isEmpty();
  }

  private static Optional<String> first(Map<String, List<String>> query, String name) {
    List<String> values = query.get(name);
    if (values == null || values.isEmpty() || values.get(0) == null || values.get(0).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(values.get(0));
  }

  // Iterative wildcard match with backtracking to the last '*': linear for typical globs, no regex.
  static boolean globMatches(String glob, String text) {
    int g = 0;
    int t = 0;
    int starG = -1;
    int starT = 0;
    while (t < text.length()) {
      if (g < glob.length() && glob.charAt(g) == '*') {
        starG = g++;
        starT = t;
      } else if (g < glob.length() && (glob.charAt(g) == '?' || sameIgnoringAsciiCase(glob.charAt(g), text.charAt(t)))) {
        g++;
        t++;
      } else if (starG >= 0) {
        g = starG + 1;
        t = ++starT;
      } else {
        return false;
      }
    }
    while (g < glob.length() && glob.charAt(g) == '*') {
      g++;
    }
    return g == glob.length();
  }

  private static boolean sameIgnoringAsciiCase(char a, char b) {
    return a == b || (a < 0x80 && b < 0x80 && Character.toLowerCase(a) == Character.toLowerCase(b));
  }
}
