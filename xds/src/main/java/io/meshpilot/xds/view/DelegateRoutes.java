package io.meshpilot.xds.view;

import io.meshpilot.registry.networking.StringMatch;
import io.meshpilot.registry.networking.VirtualService.HttpMatchRequest;
import io.meshpilot.registry.networking.VirtualService.HttpRoute;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Merges a delegate VirtualService's HTTP routes into the root route that delegates to it, as
 * istiod's {@code MergeHTTPRoutes} does: each delegate route keeps its own fields and inherits the
 * root's where it has none; its matches are narrowed by the root's. A delegate route whose matches
 * conflict with the root's (not a subset of any of them) is left out.
 */
final class DelegateRoutes {
  private DelegateRoutes() {}

  static List<HttpRoute> merge(HttpRoute root, List<HttpRoute> delegate) {
    List<HttpRoute> out = new ArrayList<>(delegate.size());
    for (HttpRoute sub : delegate) {
      merge(root, sub).ifPresent(out::add);
    }
    return out;
  }

  private static Optional<HttpRoute> merge(HttpRoute root, HttpRoute sub) {
    Optional<List<HttpMatchRequest>> matches = mergeMatches(root.match(), sub.match());
    if (matches.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new HttpRoute(joinNames(root.name(), sub.name(), "-"), matches.get(), sub.route(),
        sub.redirect(), or(sub.directResponse(), root.directResponse()), null, or(sub.rewrite(), root.rewrite()),
        or(sub.timeout(), root.timeout()), or(sub.retries(), root.retries()), or(sub.fault(), root.fault()),
        or(sub.mirror(), root.mirror()), or(sub.mirrorPercentage(), root.mirrorPercentage()),
        or(sub.mirrorPercent(), root.mirrorPercent()), sub.mirrors().isEmpty() ? root.mirrors() : sub.mirrors(),
        or(sub.corsPolicy(), root.corsPolicy()), or(sub.headers(), root.headers())));
  }

  /** Empty on a conflict: some delegate match is a subset of no root match. */
  private static Optional<List<HttpMatchRequest>> mergeMatches(List<HttpMatchRequest> root,
      List<HttpMatchRequest> delegate) {
    if (root.isEmpty()) {
      return Optional.of(delegate);
    }
    if (delegate.isEmpty()) {
      return Optional.of(root);
    }
    List<HttpMatchRequest> out = new ArrayList<>();
    for (HttpMatchRequest sub : delegate) {
      boolean found = false;
      for (HttpMatchRequest rootMatch : root) {
        if (!conflicts(rootMatch, sub)) {
          out.add(mergeMatch(rootMatch, sub));
          found = true;
        }
      }
      if (!found) {
        return Optional.empty();
      }
    }
    return out.isEmpty() ? Optional.empty() : Optional.of(out);
  }

  private static HttpMatchRequest mergeMatch(HttpMatchRequest root, HttpMatchRequest sub) {
    return new HttpMatchRequest(joinNames(root.name(), sub.name(), "-"), or(sub.uri(), root.uri()),
        or(sub.scheme(), root.scheme()), or(sub.method(), root.method()), or(sub.authority(), root.authority()),
        union(root.headers(), sub.headers()), port(sub) != 0 ? sub.port() : root.port(),
        union(root.sourceLabels(), sub.sourceLabels()), sub.gateways().isEmpty() ? root.gateways() : sub.gateways(),
        union(root.queryParams(), sub.queryParams()), sub.ignoreUriCase(),
        union(root.withoutHeaders(), sub.withoutHeaders()),
        empty(sub.sourceNamespace()) ? root.sourceNamespace() : sub.sourceNamespace(),
        empty(sub.statPrefix()) ? root.statPrefix() : sub.statPrefix());
  }

  private static boolean conflicts(HttpMatchRequest root, HttpMatchRequest leaf) {
    if (conflicts(root.uri(), leaf.uri()) || conflicts(root.scheme(), leaf.scheme())
        || conflicts(root.method(), leaf.method()) || conflicts(root.authority(), leaf.authority())) {
      return true;
    }
    if (anyConflict(root.headers(), leaf.headers()) || anyConflict(root.withoutHeaders(), leaf.withoutHeaders())
        || anyConflict(root.queryParams(), leaf.queryParams())) {
      return true;
    }
    if (Boolean.TRUE.equals(root.ignoreUriCase()) != Boolean.TRUE.equals(leaf.ignoreUriCase())) {
      return true;
    }
    if (port(root) > 0 && port(leaf) > 0 && port(root) != port(leaf)) {
      return true;
    }
    if (!empty(root.sourceNamespace()) && !root.sourceNamespace().equals(leaf.sourceNamespace())) {
      return true;
    }
    for (Map.Entry<String, String> label : leaf.sourceLabels().entrySet()) {
      String value = root.sourceLabels().get(label.getKey());
      if (value != null && !value.equals(label.getValue())) {
        return true;
      }
    }
    if (!root.gateways().isEmpty() && !leaf.gateways().isEmpty()) {
      return root.gateways().size() < leaf.gateways().size()
          || !new HashSet<>(root.gateways()).containsAll(leaf.gateways());
    }
    return false;
  }

  private static boolean anyConflict(Map<String, StringMatch> root, Map<String, StringMatch> leaf) {
    return leaf.entrySet().stream().anyMatch(e -> conflicts(root.get(e.getKey()), e.getValue()));
  }

  /** istiod's {@code stringMatchConflict}: a leaf match must be narrower than the root's. */
  private static boolean conflicts(StringMatch root, StringMatch leaf) {
    if (root == null || leaf == null) {
      return false;
    }
    if (!empty(root.regex()) && (!empty(leaf.regex()) || !empty(leaf.prefix()) || !empty(leaf.exact()))) {
      return true;
    }
    if (!empty(leaf.regex()) && (!empty(root.regex()) || !empty(root.prefix()) || !empty(root.exact()))) {
      return true;
    }
    if (!empty(root.exact())) {
      return !empty(leaf.prefix()) || !root.exact().equals(Objects.requireNonNullElse(leaf.exact(), ""));
    }
    if (!empty(root.prefix())) {
      if (!empty(leaf.prefix())) {
        return !leaf.prefix().startsWith(root.prefix());
      }
      if (!empty(leaf.exact())) {
        return !leaf.exact().startsWith(root.prefix());
      }
    }
    return true;
  }

  private static <V> Map<String, V> union(Map<String, V> root, Map<String, V> sub) {
    Map<String, V> out = new LinkedHashMap<>(root);
    out.putAll(sub);
    return out;
  }

  private static String joinNames(String root, String sub, String separator) {
    if (empty(sub)) {
      return root;
    }
    return empty(root) ? sub : root + separator + sub;
  }

  private static int port(HttpMatchRequest match) {
    return match.port() == null ? 0 : match.port();
  }

  private static boolean empty(String s) {
    return s == null || s.isEmpty();
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
