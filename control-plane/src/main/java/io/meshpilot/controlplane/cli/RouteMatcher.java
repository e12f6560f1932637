package io.meshpilot.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Envoy's {@code RouteMatch} (config dump JSON, lowerCamelCase) evaluated against one request as
 * Envoy's router evaluates it: the path specifier on the path without query ({@code prefix},
 * {@code path}, {@code path_separated_prefix} honour {@code case_sensitive}, {@code safe_regex}
 * does not and must match the whole path), then every header matcher (joined values, missing
 * headers, {@code invert_match}) and every query parameter matcher (decoded, first value).
 * Conditions this trace cannot know (runtime fractions, gRPC, TLS context, metadata) are
 * assumed to hold and reported as such.
 */
final class RouteMatcher {
  private RouteMatcher() {}

  /**
   * Whether a route matched, and why not.
   *
   * @param matched whether every condition held
   * @param failed the first condition that did not hold (empty when matched)
   * @param assumed conditions not evaluated and taken to hold
   */
  record Verdict(boolean matched, String failed, List<String> assumed) {
    Verdict {
      assumed = List.copyOf(assumed);
    }
  }

  private static final List<String> ASSUMED_FIELDS = List.of("runtimeFraction", "grpc", "tlsContext",
      "dynamicMetadata", "filterState", "connectMatcher", "pathMatchPolicy");

  static Verdict evaluate(JsonNode match, TraceRequest request) {
    List<String> assumed = new ArrayList<>();
    for (String field : ASSUMED_FIELDS) {
      if (match.has(field)) {
        assumed.add(field + " " + match.path(field).toString());
      }
    }
    if (!pathMatches(match, request.path())) {
      return new Verdict(false, describePath(match) + " does not match path " + request.path(), assumed);
    }
    for (JsonNode header : match.path("headers")) {
      if (!headerMatches(header, request)) {
        String name = header.path("name").asText();
        return new Verdict(false, describeHeader(header) + " does not match "
            + request.header(name).map(v -> "\"" + v + "\"").orElse("(no " + name + " header)"), assumed);
      }
    }
    for (JsonNode param : match.path("queryParameters")) {
      if (!queryParameterMatches(param, request.query())) {
        return new Verdict(false, describeQueryParameter(param) + " does not match "
            + firstQueryValue(request.query(), param.path("name").asText()).map(v -> "\"" + v + "\"")
                .orElse("(no " + param.path("name").asText() + " parameter)"), assumed);
      }
    }
    return new Verdict(true, "", assumed);
  }

  /** The path specifier against the path without query; {@code case_sensitive} defaults to true. */
  static boolean pathMatches(JsonNode match, String path) {
    boolean caseSensitive = !match.has("caseSensitive") || match.path("caseSensitive").asBoolean();
    if (match.has("prefix")) {
      return startsWith(path, match.path("prefix").asText(), !caseSensitive);
    }
    if (match.has("path")) {
      String exact = match.path("path").asText();
      return caseSensitive ? path.equals(exact) : path.equalsIgnoreCase(exact);
    }
    if (match.has("pathSeparatedPrefix")) {
      String prefix = match.path("pathSeparatedPrefix").asText();
      return startsWith(path, prefix, !caseSensitive)
          && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
    }
    if (match.has("safeRegex")) {
      return regexMatches(match.path("safeRegex").path("regex").asText(), path);
    }
    return false;
  }

  /**
   * One {@code HeaderMatcher}: a missing header fails (passes when inverted) unless
   * {@code treat_missing_header_as_empty}; otherwise the specific match, inverted by {@code invert_match}.
   */
  static boolean headerMatches(JsonNode matcher, TraceRequest request) {
    boolean invert = matcher.path("invertMatch").asBoolean();
    Optional<String> value = request.header(matcher.path("name").asText());
    if (value.isEmpty() && !matcher.path("treatMissingHeaderAsEmpty").asBoolean()) {
      return invert;
    }
    return headerValueMatches(matcher, value.orElse("")) != invert;
  }

  private static boolean headerValueMatches(JsonNode matcher, String value) {
    if (matcher.has("stringMatch")) {
      return stringMatches(matcher.path("stringMatch"), value);
    }
    if (matcher.has("presentMatch")) {
      return matcher.path("presentMatch").asBoolean();
    }
    if (matcher.has("exactMatch")) {
      return value.equals(matcher.path("exactMatch").asText());
    }
    if (matcher.has("prefixMatch")) {
      return value.startsWith(matcher.path("prefixMatch").asText());
    }
    if (matcher.has("suffixMatch")) {
      return value.endsWith(matcher.path("suffixMatch").asText());
    }
    if (matcher.has("containsMatch")) {
      return value.contains(matcher.path("containsMatch").asText());
    }
    if (matcher.has("safeRegexMatch")) {
      return regexMatches(matcher.path("safeRegexMatch").path("regex").asText(), value);
    }
    if (matcher.has("rangeMatch")) {
      try {
        long v = Long.parseLong(value);
        return v >= matcher.path("rangeMatch").path("start").asLong() && v < matcher.path("rangeMatch").path("end").asLong();
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return true; // no match specifier: Envoy's default is present
  }

  /** One {@code QueryParameterMatcher}: the parameter's first decoded value; a missing parameter fails. */
  static boolean queryParameterMatches(JsonNode matcher, String query) {
    Optional<String> value = firstQueryValue(query, matcher.path("name").asText());
    if (value.isEmpty()) {
      return false;
    }
    if (matcher.path("presentMatch").asBoolean() || !matcher.has("stringMatch")) {
      return true;
    }
    return stringMatches(matcher.path("stringMatch"), value.get());
  }

  /** A {@code StringMatcher}: exact, prefix, suffix, contains ({@code ignore_case}) or a whole-value regex. */
  static boolean stringMatches(JsonNode matcher, String value) {
    boolean ignoreCase = matcher.path("ignoreCase").asBoolean();
    if (matcher.has("exact")) {
      return ignoreCase ? value.equalsIgnoreCase(matcher.path("exact").asText()) : value.equals(matcher.path("exact").asText());
    }
    if (matcher.has("prefix")) {
      return startsWith(value, matcher.path("prefix").asText(), ignoreCase);
    }
    if (matcher.has("suffix")) {
      String suffix = matcher.path("suffix").asText();
      return value.length() >= suffix.length()
          && value.regionMatches(ignoreCase, value.length() - suffix.length(), suffix, 0, suffix.length());
    }
    if (matcher.has("contains")) {
      return ignoreCase ? value.toLowerCase(Locale.ROOT).contains(matcher.path("contains").asText().toLowerCase(Locale.ROOT))
          : value.contains(matcher.path("contains").asText());
    }
    if (matcher.has("safeRegex")) {
      return regexMatches(matcher.path("safeRegex").path("regex").asText(), value);
    }
    return false;
  }

  private static boolean startsWith(String value, String prefix, boolean ignoreCase) {
    return value.regionMatches(ignoreCase, 0, prefix, 0, prefix.length());
  }

  /** RE2 as Envoy runs it: the whole value must match (Java's syntax is close enough for routes). */
  private static boolean regexMatches(String regex, String value) {
    try {
      return Pattern.compile(regex).matcher(value).matches();
    } catch (PatternSyntaxException e) {
      return false;
    }
  }

  /** The first value of {@code name} in a raw query string, percent-decoded ({@code +} stays {@code +}, as in Envoy). */
  static Optional<String> firstQueryValue(String query, String name) {
    if (query.isEmpty()) {
      return Optional.empty();
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      if (key.equals(name)) {
        return Optional.of(eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    return Optional.empty();
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s; // a stray % is kept as written
    }
  }

  /** The whole match as one line: {@code prefix / (case-insensitive), header end-user exact "jason"}. */
  static String describe(JsonNode match) {
    List<String> parts = new ArrayList<>();
    parts.add(describePath(match));
    match.path("headers").forEach(h -> parts.add(describeHeader(h)));
    match.path("queryParameters").forEach(q -> parts.add(describeQueryParameter(q)));
    return String.join(", ", parts);
  }

  static String describePath(JsonNode match) {
    String how = match.has("prefix") ? "prefix " + match.path("prefix").asText()
        : match.has("path") ? "path " + match.path("path").asText()
        : match.has("pathSeparatedPrefix") ? "path_separated_prefix " + match.path("pathSeparatedPrefix").asText()
        : match.has("safeRegex") ? "regex " + match.path("safeRegex").path("regex").asText() : "(no path match)";
    boolean insensitive = match.has("caseSensitive") && !match.path("caseSensitive").asBoolean() && !match.has("safeRegex");
    return insensitive ? how + " (case-insensitive)" : how;
  }

  static String describeHeader(JsonNode matcher) {
    String how;
    if (matcher.has("stringMatch")) {
      how = describeString(matcher.path("stringMatch"));
    } else if (matcher.has("presentMatch")) {
      how = matcher.path("presentMatch").asBoolean() ? "present" : "present: false";
    } else if (matcher.has("exactMatch")) {
      how = "exact \"" + matcher.path("exactMatch").asText() + "\"";
    } else if (matcher.has("prefixMatch")) {
      how = "prefix \"" + matcher.path("prefixMatch").asText() + "\"";
    } else if (matcher.has("suffixMatch")) {
      how = "suffix \"" + matcher.path("suffixMatch").asText() + "\"";
    } else if (matcher.has("containsMatch")) {
      how = "contains \"" + matcher.path("containsMatch").asText() + "\"";
    } else if (matcher.has("safeRegexMatch")) {
      how = "regex \"" + matcher.path("safeRegexMatch").path("regex").asText() + "\"";
    } else if (matcher.has("rangeMatch")) {
      how = "in [" + matcher.path("rangeMatch").path("start").asLong() + ", "
          + matcher.path("rangeMatch").path("end").asLong() + ")";
    } else {
      how = "present";
    }
    return "header " + matcher.path("name").asText() + (matcher.path("invertMatch").asBoolean() ? " not " : " ") + how;
  }

  static String describeQueryParameter(JsonNode matcher) {
    String how = matcher.path("presentMatch").asBoolean() || !matcher.has("stringMatch")
        ? "present" : describeString(matcher.path("stringMatch"));
    return "query " + matcher.path("name").asText() + " " + how;
  }

  private static String describeString(JsonNode matcher) {
    String ignoreCase = matcher.path("ignoreCase").asBoolean() ? " (ignore case)" : "";
    for (String kind : List.of("exact", "prefix", "suffix", "contains")) {
      if (matcher.has(kind)) {
        return kind + " \"" + matcher.path(kind).asText() + "\"" + ignoreCase;
      }
    }
    return matcher.has("safeRegex") ? "regex \"" + matcher.path("safeRegex").path("regex").asText() + "\"" : "(no match)";
  }
}
