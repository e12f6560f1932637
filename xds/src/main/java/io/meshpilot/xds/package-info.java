/**
 * xDS: config generation from the registry, the push scheduler and the ADS server. Built in the
 * issue "ADS server that real Envoy sidecars accept"; this module holds no code yet.
 */
package io.meshpilot.xds;
