package io.meshpilot.xds.listener;

import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.type.metadata.v3.MetadataKey;
import io.envoyproxy.envoy.type.metadata.v3.MetadataKind;
import io.envoyproxy.envoy.type.tracing.v3.CustomTag;
import io.envoyproxy.envoy.type.v3.Percent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The tracing block of a sidecar HTTP connection manager as istiod writes it with no Telemetry
 * tracing and no default tracing provider: MeshConfig {@code enableTracing} (on by default) asks
 * for sampling without a provider, so Envoy samples and tags spans it reports nowhere. Sampling is
 * 100 % client and overall, and {@code PILOT_TRACE_SAMPLING} (istiod's default, 1 %) random; the
 * tags are the proxy's {@link TracingTags} and the four authorization dry-run results, sorted by tag.
 */
final class HttpTracing {
  /** istiod's {@code PILOT_TRACE_SAMPLING} default. */
  static final double RANDOM_SAMPLING = 1.0;
  private static final String RBAC_FILTER = "envoy.filters.http.rbac";
  private static final List<CustomTag> DRY_RUN_TAGS = List.of(
      dryRun("istio.authorization.dry_run.allow_policy.name", "istio_dry_run_allow_shadow_effective_policy_id"),
      dryRun("istio.authorization.dry_run.allow_policy.result", "istio_dry_run_allow_shadow_engine_result"),
      dryRun("istio.authorization.dry_run.deny_policy.name", "istio_dry_run_deny_shadow_effective_policy_id"),
      dryRun("istio.authorization.dry_run.deny_policy.result", "istio_dry_run_deny_shadow_engine_result"));

  private HttpTracing() {}

  static HttpConnectionManager.Tracing of(TracingTags tags) {
    List<CustomTag> custom = new ArrayList<>(DRY_RUN_TAGS);
    custom.add(literal("istio.canonical_revision", tags.canonicalRevision()));
    custom.add(literal("istio.canonical_service", tags.canonicalService()));
    custom.add(literal("istio.mesh_id", tags.meshId()));
    custom.add(literal("istio.namespace", tags.namespace()));
    custom.add(literal("istio.cluster_id", tags.clusterId()));
    custom.sort(Comparator.comparing(CustomTag::getTag));
    return HttpConnectionManager.Tracing.newBuilder()
        .setClientSampling(Percent.newBuilder().setValue(100))
        .setRandomSampling(Percent.newBuilder().setValue(RANDOM_SAMPLING))
        .setOverallSampling(Percent.newBuilder().setValue(100))
        .addAllCustomTags(custom)
        .build();
  }

  private static CustomTag literal(String tag, String value) {
    return CustomTag.newBuilder().setTag(tag).setLiteral(CustomTag.Literal.newBuilder().setValue(value)).build();
  }

  /** A tag read from the RBAC filter's dry-run metadata: empty unless a dry-run policy applies. */
  private static CustomTag dryRun(String tag, String key) {
    return CustomTag.newBuilder()
        .setTag(tag)
        .setMetadata(CustomTag.Metadata.newBuilder()
            .setKind(MetadataKind.newBuilder().setRequest(MetadataKind.Request.getDefaultInstance()))
            .setMetadataKey(MetadataKey.newBuilder()
                .setKey(RBAC_FILTER)
                .addPath(MetadataKey.PathSegment.newBuilder().setKey(key))))
        .build();
  }
}
