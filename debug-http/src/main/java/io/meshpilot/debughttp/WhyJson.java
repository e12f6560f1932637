package io.meshpilot.debughttp;

import io.meshpilot.registry.ObjectChange;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.Rejection;
import io.meshpilot.xds.push.PushRecord;
import io.meshpilot.xds.server.TypeSyncState;
import io.meshpilot.xds.why.WhyReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The body of {@code /debug/why} (meshpilot's own; istiod has none). One object:
 * <pre>
 * proxyID, connectionID, hostname
 * registry:   status (KNOWN, REJECTED, UNKNOWN); objects [{kind, namespace, name, registry,
 *             resourceVersion, exportTo}]; serviceChange and endpointsChange {kind, namespace, name,
 *             action (UPSERT, DELETE), source, resourceVersion, time} when recorded;
 *             rejections [{kind, namespace, name, source, reason, since}]
 * visibility: visible, reason, clusters, listeners, routes (names)
 * pushes:     [{change (SERVICE, ENDPOINTS), changedAt, status (REACHED, CONNECTED_AFTER,
 *             NOT_REACHED, NOT_PUSHED), and when pushed: version, type (full, eds), started, reasons;
 *             detail}]
 * proxy:      {cds, eds, lds, rds: {status (ACKED, SENT, NACKED, NOT_SENT, or NONE when the hostname
 *             yields no resource of the type), resources [{name, status, removed (only when true)}],
 *             nonceSent, versionSent, sentTime, nonceAcked, versionAcked, error, errorTime (each only
 *             when set), detail}}
 * </pre>
 * Times are RFC 3339 as Go writes them; keys are always in this order.
 */
final class WhyJson {
  private WhyJson() {}

  static String write(WhyReport report, boolean pretty) {
    GoJsonWriter json = new GoJsonWriter(pretty);
    try {
      json.startObject()
          .name("proxyID").string(report.proxyId())
          .name("connectionID").string(report.connectionId())
          .name("hostname").string(report.hostname());
      registry(json, report.registry());
      visibility(json, report.visibility());
      json.name("pushes").startArray();
      for (WhyReport.PushStage push : report.pushes()) {
        push(json, push);
      }
      json.endArray();
      json.name("proxy").startObject();
      for (WhyReport.TypeStage type : report.proxy()) {
        json.name(type.type().shortName());
        type(json, type);
      }
      json.endObject().endObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory does not fail
    }
    return json.toString();
  }

  private static void registry(GoJsonWriter json, WhyReport.RegistryStage registry) throws IOException {
    json.name("registry").startObject().name("status").string(registry.status().name());
    json.name("objects").startArray();
    for (WhyReport.SourceObject object : registry.objects()) {
      json.startObject();
      key(json, object.object());
      json.name("registry").string(object.registry())
          .name("resourceVersion").string(object.resourceVersion());
      strings(json, "exportTo", object.exportTo());
      json.endObject();
    }
    json.endArray();
    change(json, "serviceChange", registry.changes().service());
    change(json, "endpointsChange", registry.changes().endpoints());
    json.name("rejections").startArray();
    for (Rejection rejection : registry.rejections()) {
      json.startObject();
      key(json, rejection.object());
      json.name("source").string(rejection.source())
          .name("reason").string(rejection.reason())
          .name("since").time(rejection.since())
          .endObject();
    }
    json.endArray().endObject();
  }

  private static void change(GoJsonWriter json, String name, Optional<ObjectChange> change) throws IOException {
    if (change.isEmpty()) {
      return;
    }
    ObjectChange c = change.get();
    json.name(name).startObject();
    key(json, c.object());
    json.name("action").string(c.action().name())
        .name("source").string(c.source())
        .name("resourceVersion").string(c.resourceVersion())
        .name("time").time(c.at())
        .endObject();
  }

  private static void visibility(GoJsonWriter json, WhyReport.VisibilityStage visibility) throws IOException {
    json.name("visibility").startObject()
        .name("visible").bool(visibility.visible())
        .name("reason").string(visibility.reason());
    strings(json, "clusters", visibility.clusters());
    strings(json, "listeners", visibility.listeners());
    strings(json, "routes", visibility.routes());
    json.endObject();
  }

  private static void push(GoJsonWriter json, WhyReport.PushStage push) throws IOException {
    json.startObject()
        .name("change").string(push.kind().name())
        .name("changedAt").time(push.change().at())
        .name("status").string(push.reach().name());
    if (push.push().isPresent()) {
      PushRecord record = push.push().get();
      json.name("version").string(record.version())
          .name("type").string(record.kind())
          .name("started").time(record.startedAt())
          .name("reasons").startObject();
      for (Map.Entry<String, Integer> reason : record.reasons().entrySet()) {
        json.name(reason.getKey()).number(reason.getValue());
      }
      json.endObject();
    }
    json.name("detail").string(push.detail()).endObject();
  }

  private static void type(GoJsonWriter json, WhyReport.TypeStage type) throws IOException {
    json.startObject().name("status").string(type.status().map(Enum::name).orElse("NONE"));
    json.name("resources").startArray();
    for (WhyReport.ResourceState resource : type.resources()) {
      json.startObject().name("name").string(resource.name()).name("status").string(resource.status().name());
      if (resource.removed()) {
        json.name("removed").bool(true);
      }
      json.endObject();
    }
    json.endArray();
    TypeSyncState sync = type.sync();
    omitEmpty(json, "nonceSent", sync.nonceSent());
    omitEmpty(json, "versionSent", sync.versionSent());
    time(json, "sentTime", sync.lastSent());
    omitEmpty(json, "nonceAcked", sync.nonceAcked());
    omitEmpty(json, "versionAcked", sync.versionAcked());
    omitEmpty(json, "error", sync.lastError().orElse(""));
    time(json, "errorTime", sync.lastErrorAt());
    json.name("detail").string(type.detail()).endObject();
  }

  private static void key(GoJsonWriter json, ObjectKey key) throws IOException {
    json.name("kind").string(key.kind()).name("namespace").string(key.namespace()).name("name").string(key.name());
  }

  private static void strings(GoJsonWriter json, String name, List<String> values) throws IOException {
    json.name(name).startArray();
    for (String value : values) {
      json.string(value);
    }
    json.endArray();
  }

  private static void omitEmpty(GoJsonWriter json, String name, String value) throws IOException {
    if (!value.isEmpty()) {
      json.name(name).string(value);
    }
  }

  private static void time(GoJsonWriter json, String name, Optional<Instant> value) throws IOException {
    if (value.isPresent()) {
      json.name(name).time(value.get());
    }
  }
}
