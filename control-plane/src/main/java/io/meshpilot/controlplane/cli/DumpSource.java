package io.meshpilot.controlplane.cli;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a proxy's config dump comes from: meshpilot's {@code /debug/config_dump}, or a file. */
final class DumpSource {
  static final String DEFAULT_PILOT = "http://localhost:15014";

  @Option(names = "--pilot", paramLabel = "URL", defaultValue = DEFAULT_PILOT,
      description = "meshpilot's HTTP debug address (default: ${DEFAULT-VALUE}).")
  String pilot;

  @Option(names = {"-f", "--file"}, paramLabel = "FILE",
      description = "Read the config dump from FILE (e.g. saved from Envoy's /config_dump?include_eds) instead of meshpilot.")
  Path file;

  HttpFetcher fetcher = new HttpFetcher();

  /** The dump meshpilot would send {@code proxy} now ({@code include_eds} adds the endpoints). */
  ConfigDump load(String proxy, boolean includeEds) {
    if (file != null) {
      try {
        return ConfigDump.parse(Files.readString(file));
      } catch (IOException e) {
        throw new CliException("cannot read " + file + ": " + e.getMessage());
      }
    }
    return ConfigDump.parse(fetcher.get(pilot, configDumpPath(proxy, includeEds)));
  }

  static String configDumpPath(String proxy, boolean includeEds) {
    return "/debug/config_dump?proxyID=" + URLEncoder.encode(proxy, StandardCharsets.UTF_8)
        + (includeEds ? "&include_eds" : "");
  }
}
