package io.meshpilot.debughttp;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.meshpilot.registry.ServiceRegistry;

/** {@code /ready} and {@code /version}, the unauthenticated probes next to the debug views. */
@Controller
final class StatusController {
  private final ServiceRegistry registry;
  private final DebugHttpOptions options;

  StatusController(ServiceRegistry registry, DebugHttpOptions options) {
    this.registry = registry;
    this.options = options;
  }

  /** 200 with an empty body once every source has synced; 503 naming the sources still loading. */
  @Get(uri = "/ready", produces = MediaType.TEXT_PLAIN)
  HttpResponse<String> ready() {
    if (registry.synced()) {
      return HttpResponse.ok();
    }
    String pending = String.join(", ", registry.pendingSources());
    String body = pending.isEmpty() ? "registry not synced\n" : "sources not synced: " + pending + "\n";
    return HttpResponse.<String>status(HttpStatus.SERVICE_UNAVAILABLE).body(body).contentType(MediaType.TEXT_PLAIN_TYPE);
  }

  /** The build version as plain text. */
  @Get(uri = "/version", produces = MediaType.TEXT_PLAIN)
  HttpResponse<String> version() {
    return HttpResponse.ok(options.version()).contentType(MediaType.TEXT_PLAIN_TYPE);
  }
}
