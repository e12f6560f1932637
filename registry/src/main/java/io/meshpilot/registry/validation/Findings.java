package io.meshpilot.registry.validation;

import java.util.ArrayList;
import java.util.List;

/** Collects the errors and warnings of one validation run, in the order they were found. */
public final class Findings {
  private final List<String> errors = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  public void error(String field, String problem) {
    errors.add(field + ": " + problem);
  }

  public void warning(String field, String problem) {
    warnings.add(field + ": " + problem);
  }

  public Validation toValidation() {
    return new Validation(errors, warnings);
  }
}
