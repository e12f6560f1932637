package io.meshpilot.debughttp;

import io.meshpilot.xds.server.ProxySyncState;
import io.meshpilot.xds.server.SyncStatus;
import io.meshpilot.xds.server.TypeSyncState;
import io.meshpilot.xds.server.XdsType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code /debug/syncz}: istiod's array of SyncStatus (reference §3.2), key for key and
 * with its omission rules, plus two meshpilot keys inside each {@code resources} entry, after
 * istiod's: {@code status} (SYNCED, NOT SENT, STALE or ERROR, computed as istioctl does) and, for
 * ERROR, {@code error_time} (when the NACK arrived). istiod's {@code lastError} holds the NACK text.
 */
final class SynczJson {
  private static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

  private SynczJson() {}

  /** @param proxies the entries to write, already filtered and in output order */
  static String write(List<ProxySyncState> proxies, boolean pretty) {
    GoJsonWriter json = new GoJsonWriter(pretty);
    try {
      json.startArray();
      for (ProxySyncState proxy : proxies) {
        writeProxy(json, proxy);
      }
      json.endArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return json.toString();
  }

  private static void writeProxy(GoJsonWriter json, ProxySyncState state) throws IOException {
    json.startObject();
    omitEmpty(json, "cluster_id", state.proxy().clusterId());
    omitEmpty(json, "proxy", state.proxy().id());
    omitEmpty(json, "proxy_type", state.proxy().type());
    omitEmpty(json, "istio_version", state.proxy().istioVersion());
    nonces(json, "cluster", state.type(XdsType.CLUSTER));
    nonces(json, "listener", state.type(XdsType.LISTENER));
    nonces(json, "route", state.type(XdsType.ROUTE));
    nonces(json, "endpoint", state.type(XdsType.ENDPOINT));
    if (!state.types().isEmpty()) {
      List<TypeSyncState> watched = new ArrayList<>(state.types().values());
      watched.sort((a, b) -> GoJsonWriter.GO_STRING_ORDER.compare(a.type().typeUrl(), b.type().typeUrl()));
      json.name("resources").startObject();
      for (TypeSyncState type : watched) {
        json.name(type.type().typeUrl());
        writeResource(json, type);
      }
      json.endObject();
    }
    json.endObject();
  }

  private static void writeResource(GoJsonWriter json, TypeSyncState type) throws IOException {
    json.startObject();
    omitEmpty(json, "sent", type.nonceSent());
    omitEmpty(json, "acked", type.nonceAcked());
    json.name("sentTime").time(type.lastSent().orElse(GO_ZERO_TIME));
    omitEmpty(json, "lastError", type.lastError().orElse(""));
    SyncStatus status = type.status();
    json.name("status").string(status.label());
    if (status == SyncStatus.ERROR && type.lastErrorAt().isPresent()) {
      json.name("error_time").time(type.lastErrorAt().get());
    }
    json.endObject();
  }

  private static void nonces(GoJsonWriter json, String prefix, TypeSyncState type) throws IOException {
    omitEmpty(json, prefix + "_sent", type.nonceSent());
    omitEmpty(json, prefix + "_acked", type.nonceAcked());
  }

  private static void omitEmpty(GoJsonWriter json, String name, String value) throws IOException {
    if (!value.isEmpty()) {
      json.name(name).string(value);
    }
  }
}
