package io.meshpilot.xds.route;

import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.meshpilot.registry.networking.StringMatch;
import java.util.Optional;

/**
 * Istio's StringMatch as Envoy matchers (istiod's {@code ConvertToEnvoyMatch}): exact, prefix, or
 * {@code safe_regex}. A match with nothing set, or the regex {@code *}, means "present".
 */
final class StringMatchers {
  private StringMatchers() {}

  static Optional<StringMatcher> of(StringMatch in) {
    if (in == null) {
      return Optional.empty();
    }
    if (in.exact() != null) {
      return Optional.of(StringMatcher.newBuilder().setExact(in.exact()).build());
    }
    if (in.prefix() != null) {
      return Optional.of(StringMatcher.newBuilder().setPrefix(in.prefix()).build());
    }
    if (in.regex() != null) {
      return Optional.of(StringMatcher.newBuilder().setSafeRegex(regex(in.regex())).build());
    }
    return Optional.empty();
  }

  static RegexMatcher regex(String regex) {
    return RegexMatcher.newBuilder().setRegex(regex).build();
  }

  /** istiod's {@code canBeConvertedToPresentMatch}: unset, or the regex {@code *} (not RE2, a wildcard). */
  static boolean isPresentMatch(StringMatch in) {
    return in == null || (in.exact() == null && in.prefix() == null && in.regex() == null) || "*".equals(in.regex());
  }

  static HeaderMatcher.Builder header(String name, StringMatch in) {
    HeaderMatcher.Builder out = HeaderMatcher.newBuilder().setName(name);
    if (isPresentMatch(in)) {
      return out.setPresentMatch(true);
    }
    of(in).ifPresent(out::setStringMatch);
    return out;
  }

  static QueryParameterMatcher queryParameter(String name, StringMatch in) {
    QueryParameterMatcher.Builder out = QueryParameterMatcher.newBuilder().setName(name);
    if (isPresentMatch(in)) {
      return out.setPresentMatch(true).build();
    }
    of(in).ifPresent(out::setStringMatch);
    return out.build();
  }
}
