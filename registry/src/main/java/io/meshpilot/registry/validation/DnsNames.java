package io.meshpilot.registry.validation;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Hostname and DNS-1123 checks with istiod's rules: labels may use letters of either case, a
 * trailing dot is allowed, the top-level label may not be all digits, and only the first label of a
 * host may be a wildcard ({@code *}, {@code *foo} or {@code *-foo}).
 */
public final class DnsNames {
  public static final int MAX_LABEL_LENGTH = 63;
  public static final int MAX_DOMAIN_LENGTH = 255;

  private static final String LABEL = "[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?";
  private static final Pattern LABEL_PATTERN = Pattern.compile(LABEL);
  private static final Pattern WILDCARD_LABEL_PATTERN = Pattern.compile("\\*|(?:\\*|\\*-)?" + LABEL);
  private static final Pattern ALL_DIGITS = Pattern.compile("[0-9]+");

  private DnsNames() {}

  /** A DNS-1123 label: 1–63 letters, digits or {@code -}, starting and ending with a letter or digit. */
  public static boolean isLabel(String value) {
    return value.length() <= MAX_LABEL_LENGTH && LABEL_PATTERN.matcher(value).matches();
  }

  /** A DNS-1123 label, or one with a leading {@code *} / {@code *-}, or {@code *} alone. */
  public static boolean isWildcardLabel(String value) {
    return value.length() <= MAX_LABEL_LENGTH && WILDCARD_LABEL_PATTERN.matcher(value).matches();
  }

  /** Why {@code domain} is not a host that may start with a wildcard label, or empty when it is fine. */
  public static Optional<String> wildcardDomainProblem(String domain) {
    Optional<String> pre = preconditionProblem(domain);
    if (pre.isPresent()) {
      return pre;
    }
    int dot = domain.indexOf('.');
    String first = dot < 0 ? domain : domain.substring(0, dot);
    if (!isWildcardLabel(first)) {
      return Optional.of(labelProblem(first));
    }
    return dot < 0 ? Optional.empty() : labelsProblem(domain.substring(dot + 1));
  }

  /** Why {@code domain} is not a fully qualified domain name (no wildcards), or empty when it is fine. */
  public static Optional<String> fqdnProblem(String domain) {
    Optional<String> pre = preconditionProblem(domain);
    return pre.isPresent() ? pre : labelsProblem(domain);
  }

  private static Optional<String> preconditionProblem(String domain) {
    if (domain.isEmpty()) {
      return Optional.of("an empty name is not allowed");
    }
    if (domain.length() > MAX_DOMAIN_LENGTH) {
      return Optional.of("longer than " + MAX_DOMAIN_LENGTH + " characters");
    }
    return Optional.empty();
  }

  private static Optional<String> labelsProblem(String domain) {
    String[] parts = domain.split("\\.", -1);
    String top = parts[parts.length - 1];
    if (ALL_DIGITS.matcher(top).matches()) {
      return Optional.of("the top-level label \"" + top + "\" is all digits");
    }
    for (int i = 0; i < parts.length; i++) {
      // a trailing dot (an empty last label) makes an unambiguous absolute name
      if (i == parts.length - 1 && parts[i].isEmpty()) {
        return Optional.empty();
      }
      if (!isLabel(parts[i])) {
        return Optional.of(labelProblem(parts[i]));
      }
    }
    return Optional.empty();
  }

  private static String labelProblem(String label) {
    if (label.isEmpty()) {
      return "it has an empty label";
    }
    if (label.length() > MAX_LABEL_LENGTH) {
      return "label \"" + label + "\" is longer than " + MAX_LABEL_LENGTH + " characters";
    }
    return "label \"" + label + "\" is not a DNS-1123 label";
  }
}
