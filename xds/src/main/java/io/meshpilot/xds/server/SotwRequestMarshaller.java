package io.meshpilot.xds.server;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parses state-of-the-world requests as protobuf does, except their resource names: every SotW
 * request repeats all the names it watches (a thousand EDS cluster names in each ACK of each proxy),
 * and proxies of one scope watch the same ones. A names field whose bytes equal one parsed before
 * gets that parse's strings instead of a thousand new ones, whose hashes are already computed for the
 * comparison with the watched set. Bounded: when {@link #MAX_LISTS} lists are known, they are forgotten.
 */
final class SotwRequestMarshaller implements MethodDescriptor.Marshaller<DiscoveryRequest> {
  static final int MAX_LISTS = 64;
  private static final int NAMES = DiscoveryRequest.RESOURCE_NAMES_FIELD_NUMBER;

  private final MethodDescriptor.Marshaller<DiscoveryRequest> plain =
      ProtoUtils.marshaller(DiscoveryRequest.getDefaultInstance());
  private final Map<NameBytes, List<String>> lists = new ConcurrentHashMap<>();

  @Override
  public InputStream stream(DiscoveryRequest value) {
    return plain.stream(value);
  }

  @Override
  public DiscoveryRequest parse(InputStream stream) {
    try {
      return parse(stream.readAllBytes());
    } catch (IOException e) {
      // as gRPC's own protobuf marshaller answers a request it cannot parse
      throw Status.INTERNAL.withDescription("Invalid protobuf byte sequence").withCause(e).asRuntimeException();
    }
  }

  private DiscoveryRequest parse(byte[] bytes) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    int start = -1;
    int end = -1;
    for (int at = 0, tag = in.readTag(); tag != 0; at = in.getTotalBytesRead(), tag = in.readTag()) {
      boolean name = WireFormat.getTagFieldNumber(tag) == NAMES
          && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
      if (name && start >= 0 && at != end) {
        return DiscoveryRequest.parseFrom(bytes); // names apart from each other: not Envoy's encoding
      }
      if (name && start < 0) {
        start = at;
      }
      in.skipField(tag);
      if (name) {
        end = in.getTotalBytesRead();
      }
    }
    if (start < 0) {
      return DiscoveryRequest.parseFrom(bytes);
    }
    // protobuf parses concatenated fields as one message: the request is the rest plus the names
    return DiscoveryRequest.newBuilder()
        .mergeFrom(bytes, 0, start)
        .mergeFrom(bytes, end, bytes.length - end)
        .addAllResourceNames(names(Arrays.copyOfRange(bytes, start, end)))
        .build();
  }

  /** Lists known now (at most {@link #MAX_LISTS}). */
  int knownLists() {
    return lists.size();
  }

  private List<String> names(byte[] field) throws IOException {
    NameBytes key = new NameBytes(field);
    List<String> known = lists.get(key);
    if (known != null) {
      return known;
    }
    List<String> names = new ArrayList<>();
    CodedInputStream in = CodedInputStream.newInstance(field);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      names.add(in.readStringRequireUtf8());
    }
    List<String> parsed = List.copyOf(names);
    if (lists.size() >= MAX_LISTS) {
      lists.clear();
    }
    lists.put(key, parsed);
    return parsed;
  }

  /** The encoded names field, compared by content (both are vectorised by the JDK). */
  private record NameBytes(byte[] bytes, int hash) {
    NameBytes(byte[] bytes) {
      this(bytes, Arrays.hashCode(bytes));
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof NameBytes that && hash == that.hash && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
