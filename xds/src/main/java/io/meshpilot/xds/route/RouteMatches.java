package io.meshpilot.xds.route;

import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.meshpilot.registry.networking.StringMatch;
import io.meshpilot.registry.networking.VirtualService.HttpMatchRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A VirtualService HTTP match as an Envoy {@link RouteMatch} (istiod's {@code TranslateRouteMatch}):
 * the uri as path, prefix or safe_regex with {@code case_sensitive}; headers and withoutHeaders
 * (inverted) sorted by name, then {@code :method}, {@code :authority} and {@code :scheme}; query
 * parameters (sorted by name, where istiod's order is Go's map order).
 */
final class RouteMatches {
  private static final RouteMatch CATCH_ALL = RouteMatch.newBuilder().setPrefix("/").build();

  private RouteMatches() {}

  static RouteMatch of(HttpMatchRequest in) {
    if (in == null) {
      return CATCH_ALL;
    }
    RouteMatch.Builder out = RouteMatch.newBuilder().setPrefix("/");
    List<HeaderMatcher> headers = new ArrayList<>();
    in.headers().forEach((name, match) -> headers.add(StringMatchers.header(name, match).build()));
    in.withoutHeaders().forEach((name, match) -> {
      HeaderMatcher.Builder matcher = StringMatchers.header(name, match).setInvertMatch(true);
      if (!StringMatchers.isPresentMatch(match)) {
        matcher.setTreatMissingHeaderAsEmpty(true); // it conflicts with present_match
      }
      headers.add(matcher.build());
    });
    headers.sort(Comparator.comparing(HeaderMatcher::getName));
    out.addAllHeaders(headers);
    StringMatch uri = in.uri();
    if (uri != null) {
      if (uri.exact() != null) {
        out.setPath(uri.exact());
      } else if (uri.prefix() != null) {
        out.setPrefix(uri.prefix());
      } else if (uri.regex() != null) {
        out.setSafeRegex(StringMatchers.regex(uri.regex()));
      }
    }
    out.setCaseSensitive(BoolValue.of(!Boolean.TRUE.equals(in.ignoreUriCase())));
    if (in.method() != null) {
      out.addHeaders(StringMatchers.header(":method", in.method()));
    }
    if (in.authority() != null) {
      out.addHeaders(StringMatchers.header(":authority", in.authority()));
    }
    if (in.scheme() != null) {
      out.addHeaders(StringMatchers.header(":scheme", in.scheme()));
    }
    for (Map.Entry<String, StringMatch> param : new TreeMap<>(in.queryParams()).entrySet()) {
      out.addQueryParameters(StringMatchers.queryParameter(param.getKey(), param.getValue()));
    }
    return out.build();
  }

  /** istiod's {@code IsCatchAllRoute}: prefix {@code /} or regex {@code .*}, no header, query or metadata match. */
  static boolean isCatchAll(Route route) {
    RouteMatch m = route.getMatch();
    boolean all = switch (m.getPathSpecifierCase()) {
      case PREFIX -> m.getPrefix().equals("/");
      case PATH_SEPARATED_PREFIX -> m.getPathSeparatedPrefix().equals("/");
      case SAFE_REGEX -> m.getSafeRegex().getRegex().equals(".*");
      default -> false;
    };
    return all && m.getHeadersCount() == 0 && m.getQueryParametersCount() == 0 && m.getDynamicMetadataCount() == 0;
  }
}
