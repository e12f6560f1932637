package io.meshpilot.controlplane;

import io.meshpilot.xds.Knobs;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations written as Go and istiod write them ({@code 20s}, {@code 1m30s}, {@code 500ms}), for
 * options; the same parser reads the {@code PILOT_*} duration knobs.
 */
final class GoDuration implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  static Duration parse(String value) {
    return Knobs.parseDuration(value).orElseThrow(
        () -> new TypeConversionException("not a duration (e.g. 20s, 1m30s, 500ms): " + value));
  }
}
