/**
 * What meshpilot would send a proxy now, as an Envoy admin {@code ConfigDump} ({@code /debug/config_dump},
 * {@code proxy-status} diffs), and how debug callers name proxies ({@link io.meshpilot.xds.dump.ProxyIdPattern}).
 */
package io.meshpilot.xds.dump;
