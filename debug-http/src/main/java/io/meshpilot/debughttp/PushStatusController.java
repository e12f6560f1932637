package io.meshpilot.debughttp;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

/** {@code /debug/push_status}: the last push (see {@link PushStatusJson}). */
@Controller("/debug")
final class PushStatusController {
  private final PushStatus pushStatus;

  PushStatusController(DebugSources sources) {
    this.pushStatus = sources.metrics().pushStatus();
  }

  @Get(uri = "/push_status", produces = MediaType.APPLICATION_JSON)
  HttpResponse<String> pushStatus() {
    String body = PushStatusJson.write(pushStatus.last());
    if (body.isEmpty()) {
      return HttpResponse.ok(); // istiod: an empty body, before the first push
    }
    return HttpResponse.ok(body).contentType(MediaType.APPLICATION_JSON_TYPE);
  }
}
