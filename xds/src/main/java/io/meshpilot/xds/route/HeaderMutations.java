package io.meshpilot.xds.route;

import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption.HeaderAppendAction;
import io.meshpilot.registry.networking.VirtualService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * VirtualService header operations as Envoy's (istiod's {@code TranslateHeadersOperations}):
 * {@code set} overwrites, {@code add} appends, each sorted by name; pseudo-headers and {@code host}
 * cannot be changed that way, so they are dropped, and a {@code :authority}/{@code host} value
 * becomes the route's host rewrite ({@code set} winning over {@code add}).
 */
record HeaderMutations(List<HeaderValueOption> requestToAdd, List<HeaderValueOption> responseToAdd,
    List<String> requestToRemove, List<String> responseToRemove, String authority) {
  static final HeaderMutations NONE = new HeaderMutations(List.of(), List.of(), List.of(), List.of(), "");

  static HeaderMutations of(VirtualService.Headers headers) {
    if (headers == null) {
      return NONE;
    }
    VirtualService.HeaderOperations request = headers.request();
    VirtualService.HeaderOperations response = headers.response();
    List<HeaderValueOption> requestToAdd = new ArrayList<>();
    String setAuthority = request == null ? "" : append(requestToAdd, request.set(), false);
    String addAuthority = request == null ? "" : append(requestToAdd, request.add(), true);
    List<HeaderValueOption> responseToAdd = new ArrayList<>();
    if (response != null) {
      append(responseToAdd, response.set(), false);
      append(responseToAdd, response.add(), true);
    }
    return new HeaderMutations(List.copyOf(requestToAdd), List.copyOf(responseToAdd),
        request == null ? List.of() : dropInternal(request.remove()),
        response == null ? List.of() : dropInternal(response.remove()),
        setAuthority.isEmpty() ? addAuthority : setAuthority);
  }

  /** Appends the options sorted by header name; returns the authority value among them, else {@code ""}. */
  private static String append(List<HeaderValueOption> out, Map<String, String> headers, boolean append) {
    String authority = "";
    List<HeaderValueOption> options = new ArrayList<>();
    for (Map.Entry<String, String> header : headers.entrySet()) {
      String key = header.getKey();
      if (key.equalsIgnoreCase(":authority") || key.equalsIgnoreCase("host")) {
        authority = header.getValue();
      }
      if (internal(key)) {
        continue;
      }
      options.add(HeaderValueOption.newBuilder()
          .setHeader(HeaderValue.newBuilder().setKey(key).setValue(header.getValue()))
          .setAppendAction(append ? HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD
              : HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD)
          .build());
    }
    options.sort(Comparator.comparing(o -> o.getHeader().getKey()));
    out.addAll(options);
    return authority;
  }

  private static boolean internal(String key) {
    return key.startsWith(":") || key.equalsIgnoreCase("host");
  }

  private static List<String> dropInternal(List<String> keys) {
    return keys.stream().filter(k -> !internal(k)).toList();
  }
}
