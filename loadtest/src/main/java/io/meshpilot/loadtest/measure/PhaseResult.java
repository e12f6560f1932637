package io.meshpilot.loadtest.measure;

import java.util.OptionalDouble;

/**
 * One phase's numbers.
 *
 * @param name what was measured, e.g. "one endpoint added"
 * @param latency per-proxy time until the condition held (connect → synced, or edit → holds it)
 * @param wallSeconds from the phase's start until the last proxy got there (or the timeout)
 * @param serverCpuSeconds server utime + stime spent during the phase, if the server's pid is known
 * @param reached proxies that got there within the timeout
 * @param proxies proxies that should have
 */
public record PhaseResult(String name, Distribution latency, double wallSeconds, OptionalDouble serverCpuSeconds,
    int reached, int proxies) {
  /** Proxies that did not get there in time. */
  public int missing() {
    return proxies - reached;
  }
}
