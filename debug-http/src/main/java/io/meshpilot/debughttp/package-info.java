/**
 * The HTTP endpoints on 15014: {@code /debug/*} (registry, endpoint shards, sync status, connected
 * proxies, config dumps), guarded by {@code DebugAccess} as istiod guards them, plus the unguarded
 * {@code /ready}, {@code /version} and {@code /metrics}. Views only.
 */
package io.meshpilot.debughttp;
