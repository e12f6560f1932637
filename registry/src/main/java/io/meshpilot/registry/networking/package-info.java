/**
 * Istio's traffic API as meshpilot holds it: DestinationRule, VirtualService and Sidecar specs as
 * records whose component names are Istio's JSON field names (so a spec binds from a Kubernetes
 * object with Jackson and prints back in the shape operators know), and {@link
 * io.meshpilot.registry.networking.TrafficConfigs}, the immutable set of accepted objects that the
 * generators read. Optional proto fields are {@code null} when unset; repeated fields and maps are
 * never null (empty instead). Durations stay in protobuf JSON form ({@code "1.5s"}) until a
 * generator converts them.
 */
package io.meshpilot.registry.networking;
