package io.meshpilot.controlplane.cli;

import java.util.Comparator;

/**
 * A cluster name read as istioctl reads it: {@code <direction>|<port>|<subset>|<fqdn>} when it has
 * four or more {@code |} parts, otherwise the whole name as the FQDN (special clusters).
 */
record SubsetKey(String direction, int port, String subset, String fqdn, boolean parsed) {
  /** istioctl's row order: FQDN, subset, port, direction. */
  static final Comparator<SubsetKey> ORDER = Comparator.comparing(SubsetKey::fqdn)
      .thenComparing(SubsetKey::subset)
      .thenComparingInt(SubsetKey::port)
      .thenComparing(SubsetKey::direction);

  static SubsetKey of(String name) {
    String[] parts = name.split("\\|", -1);
    if (parts.length <= 3) {
      return new SubsetKey("", 0, "", name, false);
    }
    int port;
    try {
      port = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      port = 0;
    }
    return new SubsetKey(parts[0], port, parts[2], parts[3], true);
  }
}
