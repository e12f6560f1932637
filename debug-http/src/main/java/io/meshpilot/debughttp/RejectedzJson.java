package io.meshpilot.debughttp;

import io.meshpilot.registry.Rejection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The body of {@code /debug/rejectedz} (meshpilot only): the objects the registry refused, and
 * those that lost a conflict in generated config (source {@code xds}), as
 * {@code [{"object": {"kind", "namespace", "name"}, "source", "reason", "since"}]}, written with the
 * same Go conventions as registryz so one tool reads both.
 */
final class RejectedzJson {
  private RejectedzJson() {}

  static String write(List<Rejection> rejections, boolean pretty) {
    GoJsonWriter json = new GoJsonWriter(pretty);
    try {
      json.startArray();
      for (Rejection r : rejections) {
        json.startObject();
        json.name("object").startObject()
            .name("kind").string(r.object().kind())
            .name("namespace").string(r.object().namespace())
            .name("name").string(r.object().name())
            .endObject();
        json.name("source").string(r.source());
        json.name("reason").string(r.reason());
        json.name("since").time(r.since());
        json.endObject();
      }
      json.endArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return json.toString();
  }
}
