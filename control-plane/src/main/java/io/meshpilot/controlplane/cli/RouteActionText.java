package io.meshpilot.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a matched route does to a request, one phrase per aspect, for {@code proxy-config trace}:
 * redirect, direct response, path and host rewrite (the rewritten path computed as Envoy's
 * router computes it), timeout, retries, mirrors and each weighted cluster's share.
 */
final class RouteActionText {
  private static final Map<String, Integer> REDIRECT_CODES = Map.of("MOVED_PERMANENTLY", 301, "FOUND", 302,
      "SEE_OTHER", 303, "TEMPORARY_REDIRECT", 307, "PERMANENT_REDIRECT", 308);

  private RouteActionText() {}

  /** {@code 301: host new.example.com, path /new}; the code is 301 when the dump leaves it out. */
  static String redirect(JsonNode redirect) {
    String codeName = redirect.path("responseCode").asText("MOVED_PERMANENTLY");
    List<String> parts = new ArrayList<>();
    if (redirect.path("httpsRedirect").asBoolean()) {
      parts.add("scheme https");
    }
    field(redirect, "schemeRedirect").ifPresent(s -> parts.add("scheme " + s));
    field(redirect, "hostRedirect").ifPresent(s -> parts.add("host " + s));
    if (redirect.path("portRedirect").asInt() != 0) {
      parts.add("port " + redirect.path("portRedirect").asInt());
    }
    field(redirect, "pathRedirect").ifPresent(s -> parts.add("path " + s));
    field(redirect, "prefixRewrite").ifPresent(s -> parts.add("prefix rewritten to " + s));
    if (redirect.path("regexRewrite").isObject()) {
      parts.add("path rewritten by regex " + redirect.path("regexRewrite").path("pattern").path("regex").asText());
    }
    if (redirect.path("stripQuery").asBoolean()) {
      parts.add("query dropped");
    }
    return REDIRECT_CODES.getOrDefault(codeName, 0) + " (" + codeName + ")"
        + (parts.isEmpty() ? "" : ": " + String.join(", ", parts));
  }

  /** {@code 418, body "teapot"}. */
  static String directResponse(JsonNode response) {
    String status = Integer.toString(response.path("status").asInt());
    JsonNode body = response.path("body");
    if (body.has("inlineString")) {
      return status + ", body \"" + body.path("inlineString").asText() + "\"";
    }
    return body.isObject() ? status + ", body " + body : status;
  }

  /**
   * The path and host rewrites: {@code path /legacy/items → /modern/items (prefix_rewrite /modern),
   * host → backend.example.com}; empty when the route rewrites nothing.
   */
  static Optional<String> rewrite(JsonNode match, JsonNode action, String path) {
    List<String> parts = new ArrayList<>();
    field(action, "prefixRewrite").ifPresent(prefix -> parts.add("path " + path + " → "
        + prefixRewritten(match, path, prefix) + " (prefix_rewrite " + prefix + ")"));
    if (action.path("regexRewrite").isObject()) {
      String regex = action.path("regexRewrite").path("pattern").path("regex").asText();
      String substitution = action.path("regexRewrite").path("substitution").asText();
      parts.add("path " + path + " → " + regexRewritten(path, regex, substitution)
          + " (regex_rewrite " + regex + " → " + substitution + ")");
    }
    field(action, "hostRewriteLiteral").ifPresent(h -> parts.add("host → " + h));
    field(action, "hostRewriteHeader").ifPresent(h -> parts.add("host from header " + h));
    if (action.path("autoHostRewrite").asBoolean()) {
      parts.add("host → the upstream host's name");
    }
    return parts.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", parts));
  }

  /** Envoy replaces the matched prefix (or the whole matched path) with the rewrite. */
  private static String prefixRewritten(JsonNode match, String path, String rewrite) {
    int matched = match.has("prefix") ? match.path("prefix").asText().length()
        : match.has("pathSeparatedPrefix") ? match.path("pathSeparatedPrefix").asText().length()
        : match.has("path") ? path.length() : 0;
    return rewrite + path.substring(Math.min(matched, path.length()));
  }

  /** RE2's {@code \1} references as Java's {@code $1}; every match replaced, as Envoy's regex_rewrite. */
  private static String regexRewritten(String path, String regex, String substitution) {
    try {
      String java = substitution.replace("$", "\\$").replaceAll("\\\\(\\d)", "\\$$1");
      return Pattern.compile(regex).matcher(path).replaceAll(java);
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return "(a regex this trace cannot apply)";
    }
  }

  /** The route timeout when it is set and not {@code 0s} (istiod's "no timeout"). */
  static Optional<String> timeout(JsonNode action) {
    return field(action, "timeout").filter(t -> !t.equals("0s"));
  }

  /** {@code 2 attempts on connect-failure,... (status codes 503, per try timeout 1s)}. */
  static Optional<String> retries(JsonNode action) {
    JsonNode policy = action.path("retryPolicy");
    if (!policy.isObject()) {
      return Optional.empty();
    }
    int retries = policy.has("numRetries") ? policy.path("numRetries").asInt() : 1; // Envoy's default
    List<String> details = new ArrayList<>();
    if (policy.path("retriableStatusCodes").size() > 0) {
      details.add("status codes " + String.join(",", ListenerTable.strings(policy.path("retriableStatusCodes"))));
    }
    field(policy, "perTryTimeout").ifPresent(t -> details.add("per try timeout " + t));
    if (policy.path("retryHostPredicate").size() > 0) {
      details.add("another host each time");
    }
    return Optional.of(retries + (retries == 1 ? " retry" : " retries") + " on "
        + policy.path("retryOn").asText("(nothing)") + (details.isEmpty() ? "" : " (" + String.join(", ", details) + ")"));
  }

  /** {@code outbound|9080||ratings... (100%)} for each request mirror policy. */
  static List<String> mirrors(JsonNode action) {
    List<String> out = new ArrayList<>();
    for (JsonNode mirror : action.path("requestMirrorPolicies")) {
      JsonNode fraction = mirror.path("runtimeFraction").path("defaultValue");
      out.add(mirror.path("cluster").asText() + (fraction.isObject() ? " (" + fractionText(fraction) + ")" : ""));
    }
    return out;
  }

  /** A FractionalPercent as a percentage: numerator over HUNDRED (default), TEN_THOUSAND or MILLION. */
  private static String fractionText(JsonNode fraction) {
    long denominator = switch (fraction.path("denominator").asText("HUNDRED")) {
      case "TEN_THOUSAND" -> 10_000;
      case "MILLION" -> 1_000_000;
      default -> 100;
    };
    return percent(fraction.path("numerator").asLong(), denominator);
  }

  /** {@code part} of {@code whole} as a percentage with at most two decimals: {@code 80%}, {@code 33.33%}. */
  static String percent(long part, long whole) {
    if (whole <= 0) {
      return "0%";
    }
    return BigDecimal.valueOf(part * 100).divide(BigDecimal.valueOf(whole), 2, RoundingMode.HALF_UP)
        .stripTrailingZeros().toPlainString() + "%";
  }

  private static Optional<String> field(JsonNode node, String name) {
    return node.path(name).isTextual() && !node.path(name).asText().isEmpty()
        ? Optional.of(node.path(name).asText()) : Optional.empty();
  }
}
