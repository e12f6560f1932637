/**
 * Istio's traffic API as meshpilot holds it: DestinationRule, VirtualService and Sidecar specs as
 * records whose component names are Istio's JSON field names (so a spec binds from a Kubernetes
 * object with Jackson and prints back in the shape operators know), and {@link
 * io.meshpilot.registry.networking.TrafficConfigs}, the immutable set of accepted objects that the
 * generators read. Optional proto fields are {@code null} when unset; repeated fields and maps are
 * never null (empty instead). Durations stay as written ({@code "1.5s"}, {@code "30ms"}) until a
 * generator converts them with {@link io.meshpilot.registry.GoDurations}, the parser validation
 * uses (accepted configs always parse).
 */
package io.meshpilot.registry.networking;
