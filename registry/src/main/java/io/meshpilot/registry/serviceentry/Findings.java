package io.meshpilot.registry.serviceentry;

import java.util.ArrayList;
import java.util.List;

/** Collects the errors and warnings of one validation run, in the order they were found. */
final class Findings {
  private final List<String> errors = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  void error(String field, String problem) {
    errors.add(field + ": " + problem);
  }

  void warning(String field, String problem) {
    warnings.add(field + ": " + problem);
  }

  Validation toValidation() {
    return new Validation(errors, warnings);
  }
}
