package io.meshpilot.xds.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A minimal HTTP/1.1 GET client over TCP or a Unix domain socket, JDK only.
 *
 * <p>The e2e tests need two things the JDK's HttpClient does not give: Envoy's admin API on a pipe
 * (Envoy inside a network namespace) and a free {@code Host} header. It also runs inside the namespace
 * agent, which has nothing but the JDK on its class path.
 */
public final class RawHttp {

  /** A response: status code, lower-cased header names, body as UTF-8 text. */
  public record Response(int status, Map<String, String> headers, String body) {}

  private RawHttp() {}

  /** GETs {@code pathAndQuery} from {@code address} with the given Host header, bounded by {@code timeout}. */
  static Response get(SocketAddress address, String host, String pathAndQuery, Duration timeout) throws IOException {
    return get(address, host, pathAndQuery, Map.of(), timeout);
  }

  /** GETs {@code pathAndQuery} with the given Host and extra request headers, bounded by {@code timeout}. */
  public static Response get(SocketAddress address, String host, String pathAndQuery, Map<String, String> headers,
      Duration timeout) throws IOException {
    SocketChannel channel = SocketChannel.open(
        address instanceof UnixDomainSocketAddress ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET);
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      var exchange = executor.submit(() -> exchange(channel, address, host, pathAndQuery, headers));
      try {
        return exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        channel.close(); // unblocks the exchange
        throw new IOException("no answer from " + address + " for " + pathAndQuery + " within " + timeout);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof IOException io) {
          throw io;
        }
        if (e.getCause() instanceof UncheckedIOException io) {
          throw io.getCause();
        }
        throw new IOException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    } finally {
      channel.close();
    }
  }

  private static Response exchange(SocketChannel channel, SocketAddress address, String host, String pathAndQuery,
      Map<String, String> headers) throws IOException {
    channel.connect(address);
    OutputStream out = Channels.newOutputStream(channel);
    StringBuilder extra = new StringBuilder();
    headers.forEach((name, value) -> extra.append(name).append(": ").append(value).append("\r\n"));
    out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host
        + "\r\nUser-Agent: meshpilot-e2e\r\nAccept: */*\r\n" + extra + "Connection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = Channels.newInputStream(channel);
    return parse(in.readAllBytes());
  }

  static Response parse(byte[] raw) throws IOException {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int headerEnd = text.indexOf("\r\n\r\n");
    if (headerEnd < 0) {
      throw new IOException("incomplete HTTP response (" + raw.length + " bytes)");
    }
    String[] lines = text.substring(0, headerEnd).split("\r\n");
    String[] statusLine = lines[0].split(" ", 3);
    if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP response: " + lines[0]);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
    }
    byte[] body = Arrays.copyOfRange(raw, headerEnd + 4, raw.length);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = dechunk(body);
    }
    return new Response(Integer.parseInt(statusLine[1]), headers, new String(body, StandardCharsets.UTF_8));
  }

  private static byte[] dechunk(byte[] chunked) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int pos = 0;
    while (pos < chunked.length) {
      int lineEnd = indexOfCrlf(chunked, pos);
      if (lineEnd < 0) {
        throw new IOException("truncated chunked body");
      }
      String sizeText = new String(chunked, pos, lineEnd - pos, StandardCharsets.US_ASCII).split(";", 2)[0].trim();
      int size = Integer.parseInt(sizeText, 16);
      if (size == 0) {
        break;
      }
      int start = lineEnd + 2;
      if (start + size > chunked.length) {
        throw new IOException("truncated chunk");
      }
      out.write(chunked, start, size);
      pos = start + size + 2;
    }
    return out.toByteArray();
  }

  private static int indexOfCrlf(byte[] data, int from) {
    for (int i = from; i + 1 < data.length; i++) {
      if (data[i] == '\r' && data[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
