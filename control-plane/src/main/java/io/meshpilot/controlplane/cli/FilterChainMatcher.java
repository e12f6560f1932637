package io.meshpilot.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * Picks the filter chain Envoy would for a connection: criteria in Envoy's order (destination port,
 * destination IP by longest prefix, server name, transport protocol, application protocols), each
 * keeping the chains that match it most specifically, else those that leave it unset; nothing left
 * means the default chain.
 */
final class FilterChainMatcher {
  private FilterChainMatcher() {}

  /** A connection's properties as the listener sees them. */
  record Connection(int port, Optional<String> destinationIp, String serverName, String transport, List<String> alpn) {}

  /** A chosen chain, its index in {@code filter_chains} ({@code -1} for the default chain). */
  record Choice(int index, JsonNode chain) {
    boolean isDefault() {
      return index < 0;
    }
  }

  static Optional<Choice> choose(JsonNode listener, Connection c) {
    List<Integer> candidates = new ArrayList<>();
    JsonNode chains = listener.path("filterChains");
    for (int i = 0; i < chains.size(); i++) {
      candidates.add(i);
    }
    candidates = narrow(candidates, chains, m -> !m.has("destinationPort") ? 0
        : m.path("destinationPort").asInt() == c.port() ? 1 : -1);
    candidates = narrow(candidates, chains, m -> prefixScore(m.path("prefixRanges"), c.destinationIp()));
    candidates = narrow(candidates, chains, m -> m.path("serverNames").isEmpty() ? 0
        : ListenerTable.strings(m.path("serverNames")).stream().anyMatch(n -> serverNameMatches(n, c.serverName())) ? 1 : -1);
    candidates = narrow(candidates, chains, m -> m.path("transportProtocol").asText().isEmpty() ? 0
        : m.path("transportProtocol").asText().equals(c.transport()) ? 1 : -1);
    candidates = narrow(candidates, chains, m -> m.path("applicationProtocols").isEmpty() ? 0
        : ListenerTable.strings(m.path("applicationProtocols")).stream().anyMatch(c.alpn()::contains) ? 1 : -1);
    if (!candidates.isEmpty()) {
      return Optional.of(new Choice(candidates.get(0), chains.get(candidates.get(0))));
    }
    JsonNode fallback = listener.path("defaultFilterChain");
    return fallback.isObject() ? Optional.of(new Choice(-1, fallback)) : Optional.empty();
  }

  /** Keeps the candidates with the best score; negative scores never match, 0 means "unset". */
  private static List<Integer> narrow(List<Integer> candidates, JsonNode chains, ToIntFunction<JsonNode> score) {
    int best = -1;
    List<Integer> kept = new ArrayList<>();
    for (int i : candidates) {
      int s = score.applyAsInt(chains.get(i).path("filterChainMatch"));
      if (s > best) {
        best = s;
        kept.clear();
      }
      if (s == best && s >= 0) {
        kept.add(i);
      }
    }
    return kept;
  }

  /** 0 with no ranges, 1 + the longest matching prefix length, -1 when ranges are set and none matches. */
  private static int prefixScore(JsonNode ranges, Optional<String> ip) {
    if (ranges.isEmpty()) {
      return 0;
    }
    int best = -1;
    for (JsonNode range : ranges) {
      int length = range.path("prefixLen").asInt();
      if (ip.isPresent() && contains(range.path("addressPrefix").asText(), length, ip.get())) {
        best = Math.max(best, 1 + length);
      }
    }
    return best;
  }

  static boolean contains(String prefix, int length, String ip) {
    try {
      byte[] net = InetAddress.getByName(prefix).getAddress();
      byte[] addr = InetAddress.getByName(ip).getAddress();
      if (net.length != addr.length) {
        return false;
      }
      int bits = net.length * 8;
      BigInteger mask = length == 0 ? BigInteger.ZERO
          : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE).shiftRight(bits - length).shiftLeft(bits - length);
      return new BigInteger(1, net).and(mask).equals(new BigInteger(1, addr).and(mask));
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static boolean serverNameMatches(String pattern, String serverName) {
    if (serverName.isEmpty()) {
      return false;
    }
    if (pattern.startsWith("*.")) {
      return serverName.endsWith(pattern.substring(1));
    }
    return pattern.equalsIgnoreCase(serverName);
  }
}
