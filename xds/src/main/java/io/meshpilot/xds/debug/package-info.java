/**
 * istiod's debug-over-xDS types, served on the ADS port so {@code istioctl proxy-status} can ask the
 * control plane itself ({@code --xds-address}): sync status per proxy ({@code istio.io/debug/syncz})
 * and one proxy's config dump ({@code istio.io/debug/config_dump}), with istiod's caller rules.
 */
package io.meshpilot.xds.debug;
