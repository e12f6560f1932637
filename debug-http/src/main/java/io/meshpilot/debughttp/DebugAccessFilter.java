package io.meshpilot.debughttp;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.net.InetSocketAddress;

/**
 * Guards every {@code /debug/} path with {@link DebugAccess}: attaches the {@link Caller} for the
 * handlers, or answers 401/403/404 with an empty body. {@code /ready}, {@code /version} and
 * {@code /metrics} are not under it.
 */
@ServerFilter({"/debug", "/debug/**"})
final class DebugAccessFilter {
  private final DebugAccess access;

  DebugAccessFilter(DebugAccess access) {
    this.access = access;
  }

  @RequestFilter
  @ExecuteOn(TaskExecutors.BLOCKING) // a TokenReview is a blocking call to the API server
  @Nullable
  MutableHttpResponse<?> check(HttpRequest<?> request) {
    InetSocketAddress remote = request.getRemoteAddress();
    DebugAccess.Decision decision = access.decide(remote == null ? null : remote.getAddress(),
        request.getHeaders().findFirst(HttpHeaders.HOST), request.getHeaders().findFirst(HttpHeaders.AUTHORIZATION),
        request.getPath());
    return switch (decision) {
      case DebugAccess.Decision.Allow allow -> {
        request.setAttribute(Caller.ATTRIBUTE, allow.caller());
        yield null; // go on to the handler
      }
      case DebugAccess.Decision.Deny deny -> HttpResponse.status(HttpStatus.valueOf(deny.status()));
    };
  }
}
