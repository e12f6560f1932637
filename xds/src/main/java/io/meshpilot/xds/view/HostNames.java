package io.meshpilot.xds.view;

import java.util.Locale;

/**
 * Istio's host-name rules for config hosts: wildcard matching ({@code *.example.com}, {@code *}) and
 * short-name completion ({@code reviews} in namespace {@code shop} is
 * {@code reviews.shop.svc.cluster.local}).
 */
public final class HostNames {
  private HostNames() {}

  public static boolean isWildcard(String host) {
    return host.startsWith("*");
  }

  /**
   * True when one name matches the other, either being a wildcard (istiod's {@code host.Name.Matches}):
   * {@code *.foo.com} matches {@code a.foo.com} and {@code *.a.foo.com}; {@code *} matches everything.
   */
  public static boolean matches(String a, String b) {
    boolean aWild = isWildcard(a);
    boolean bWild = isWildcard(b);
    if (aWild && bWild) {
      return a.length() < b.length() ? b.substring(1).endsWith(a.substring(1)) : a.substring(1).endsWith(b.substring(1));
    }
    if (aWild) {
      return b.endsWith(a.substring(1));
    }
    if (bWild) {
      return a.endsWith(b.substring(1));
    }
    return a.equals(b);
  }

  /**
   * A config host as a FQDN (istiod's {@code ResolveShortnameToFQDN}): a name without a dot is a
   * Kubernetes service of the config's namespace; wildcards, IPs and dotted names stay as written.
   */
  public static String fqdn(String host, String namespace, String domainSuffix) {
    if (host.isEmpty() || host.equals("*") || host.contains(".") || host.contains(":")) {
      return host;
    }
    return host + "." + namespace + ".svc." + domainSuffix;
  }

  static String lower(String host) {
    return host.toLowerCase(Locale.ROOT);
  }
}
