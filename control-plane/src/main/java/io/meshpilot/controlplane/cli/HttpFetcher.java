package io.meshpilot.controlplane.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** GETs a debug page (meshpilot's 15014, Envoy's admin port) and turns failures into one-line messages. */
final class HttpFetcher {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  /** The body of a 200 answer to {@code base + path}. */
  String get(String base, String path) {
    URI uri = uri(base, path);
    try {
      HttpResponse<String> response = client.send(
          HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        String body = response.body().strip();
        throw new CliException("GET " + uri + ": HTTP " + response.statusCode() + (body.isEmpty() ? "" : ": " + body));
      }
      return response.body();
    } catch (ConnectException e) {
      throw new CliException("cannot connect to " + uri.getAuthority() + " (GET " + uri + ")");
    } catch (IOException e) {
      throw new CliException("GET " + uri + " failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("GET " + uri + " interrupted");
    }
  }

  static URI uri(String base, String path) {
    String trimmed = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    if (!trimmed.contains("://")) {
      trimmed = "http://" + trimmed;
    }
    try {
      return URI.create(trimmed + path);
    } catch (IllegalArgumentException e) {
      throw new CliException("not a URL: " + base + path);
    }
  }
}
