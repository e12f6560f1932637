package io.meshpilot.loadtest.client;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shares equal immutable values between simulated sidecars: thousands of them hold the same cluster
 * names and endpoint sets, and one copy keeps the load client light.
 */
final class Interner {
  private final ConcurrentHashMap<Object, Object> values = new ConcurrentHashMap<>();

  String intern(String s) {
    return (String) values.computeIfAbsent(s, k -> k);
  }

  /** An immutable copy of {@code set}, shared with every equal set interned before. */
  @SuppressWarnings("unchecked")
  Set<String> intern(Set<String> set) {
    Set<String> copy = Set.copyOf(set);
    return (Set<String>) values.computeIfAbsent(copy, k -> k);
  }
}
