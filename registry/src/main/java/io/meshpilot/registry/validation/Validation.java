package io.meshpilot.registry.validation;

import java.util.List;

/**
 * The outcome of validating one ServiceEntry. Each message starts with the field it concerns
 * ({@code spec.hosts[0]: ...}) so that it reads well in a log line.
 *
 * @param errors reasons to reject the object; empty when it is acceptable
 * @param warnings accepted but probably unintended settings
 */
public record Validation(List<String> errors, List<String> warnings) {
  public Validation {
    errors = List.copyOf(errors);
    warnings = List.copyOf(warnings);
  }

  /** True when there are no errors (warnings do not count). */
  public boolean valid() {
    return errors.isEmpty();
  }
}
