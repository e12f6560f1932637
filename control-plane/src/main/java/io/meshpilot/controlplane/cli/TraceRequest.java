package io.meshpilot.controlplane.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP request a trace matches routes against, as Envoy's router sees it: the pseudo-headers
 * {@code :method}, {@code :authority}, {@code :path} (with its query) and {@code :scheme}, and the
 * request headers by lower-case name, repeated ones joined with {@code ,} as Envoy joins them for
 * header matching.
 *
 * @param method the {@code :method}, upper case
 * @param authority the {@code :authority} (a {@code Host} header given with {@code -H} wins over the URL's)
 * @param path the path without query, still percent-encoded
 * @param query the query string without {@code ?}, empty when absent
 * @param headers other headers by lower-case name
 */
record TraceRequest(String method, String authority, String path, String query, Map<String, String> headers) {
  private static final String SCHEME = "http";

  TraceRequest {
    headers = Map.copyOf(headers);
  }

  /** A request to {@code target} with curl's {@code -X} method and {@code -H 'Name: value'} lines. */
  static TraceRequest of(TraceTarget target, String method, List<String> headerLines) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line : headerLines) {
      Header h = Header.parse(line);
      headers.merge(h.name(), h.value(), (a, b) -> a + "," + b);
    }
    String authority = Optional.ofNullable(headers.remove("host")).orElse(target.authority());
    return new TraceRequest(method.toUpperCase(Locale.ROOT), authority, target.path(), target.query(), headers);
  }

  /** A GET of {@code target} without extra headers. */
  static TraceRequest get(TraceTarget target) {
    return of(target, "GET", List.of());
  }

  /** The value of a header or pseudo-header ({@code :method}, {@code :authority}, {@code :path}, {@code :scheme}). */
  Optional<String> header(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case ":method" -> Optional.of(method);
      case ":authority", "host" -> Optional.of(authority);
      case ":path" -> Optional.of(query.isEmpty() ? path : path + "?" + query);
      case ":scheme" -> Optional.of(SCHEME);
      default -> Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    };
  }

  /** One {@code -H} line: curl's {@code Name: value}, or {@code Name;} for an empty value. */
  private record Header(String name, String value) {
    static Header parse(String line) {
      int colon = line.indexOf(':', line.startsWith(":") ? 1 : 0);
      if (colon <= 0) {
        if (line.endsWith(";") && line.length() > 1) {
          return new Header(line.substring(0, line.length() - 1).trim().toLowerCase(Locale.ROOT), "");
        }
        throw new CliException("a header is 'Name: value' (or 'Name;' for an empty value), not '" + line + "'");
      }
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty() || name.chars().anyMatch(Character::isWhitespace)) {
        throw new CliException("not a header name: '" + line.substring(0, colon) + "'");
      }
      return new Header(name, line.substring(colon + 1).trim());
    }
  }
}
