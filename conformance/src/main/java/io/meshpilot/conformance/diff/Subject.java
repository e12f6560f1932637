package io.meshpilot.conformance.diff;

import java.util.Comparator;

/**
 * One compared resource: a registryz service (no proxy) or a named xDS resource in one proxy's config.
 *
 * @param proxy the proxy id ({@code <pod>.<namespace>}), empty for registryz
 * @param section what kind of resource
 * @param name its name (service: {@code hostname (namespace)}; xDS: the resource name)
 */
public record Subject(String proxy, Section section, String name) implements Comparable<Subject> {
  private static final Comparator<Subject> ORDER = Comparator.comparing(Subject::proxy)
      .thenComparing(Subject::section).thenComparing(Subject::name);

  /** A registryz service. */
  public static Subject service(String name) {
    return new Subject("", Section.REGISTRYZ, name);
  }

  @Override
  public int compareTo(Subject other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return (proxy.isEmpty() ? "" : proxy + " ") + section.label() + " " + name;
  }
}
