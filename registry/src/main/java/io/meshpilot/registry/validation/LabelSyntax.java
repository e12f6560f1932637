package io.meshpilot.registry.validation;

import java.util.Optional;
import java.util.regex.Pattern;

/** Kubernetes label key and value syntax, as istiod checks workload labels. */
public final class LabelSyntax {
  private static final String NAME = "(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
  private static final Pattern NAME_PATTERN = Pattern.compile(NAME);
  private static final Pattern PREFIX_PATTERN =
      Pattern.compile("[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)*");
  private static final int MAX_NAME_LENGTH = 63;
  private static final int MAX_PREFIX_LENGTH = 253;

  private LabelSyntax() {}

  /** Why {@code key} is not a valid label key ({@code [prefix/]name}), or empty when it is. */
  public static Optional<String> keyProblem(String key) {
    int slash = key.indexOf('/');
    String name = slash < 0 ? key : key.substring(slash + 1);
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      if (prefix.isEmpty() || prefix.length() > MAX_PREFIX_LENGTH || !PREFIX_PATTERN.matcher(prefix).matches()) {
        return Optional.of("label key \"" + key + "\" has an invalid prefix (must be a DNS subdomain)");
      }
    }
    if (name.isEmpty() || name.length() > MAX_NAME_LENGTH || !NAME_PATTERN.matcher(name).matches()) {
      return Optional.of("label key \"" + key + "\" is invalid (at most 63 letters, digits, '-', '_' or '.',"
          + " starting and ending with a letter or digit)");
    }
    return Optional.empty();
  }

  /** Why {@code value} is not a valid label value, or empty when it is (the empty value is valid). */
  public static Optional<String> valueProblem(String value) {
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (value.length() > MAX_NAME_LENGTH || !NAME_PATTERN.matcher(value).matches()) {
      return Optional.of("label value \"" + value + "\" is invalid (at most 63 letters, digits, '-', '_' or '.',"
          + " starting and ending with a letter or digit)");
    }
    return Optional.empty();
  }
}
