package io.meshpilot.xds.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SotwRequestMarshallerTest {
  private static final String EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
  private static final List<String> NAMES = IntStream.range(0, 1000)
      .mapToObj(i -> "outbound|8080||svc-" + i + ".lt-0" + (i % 10) + ".svc.cluster.local").toList();

  private final SotwRequestMarshaller marshaller = new SotwRequestMarshaller();

  @Test
  void parsesWhatProtobufParses() {
    DiscoveryRequest request = DiscoveryRequest.newBuilder().setVersionInfo("v1")
        .setNode(Node.newBuilder().setId("sidecar~10.0.0.1~a.default~default.svc.cluster.local"))
        .addAllResourceNames(NAMES).setTypeUrl(EDS).setResponseNonce("n1")
        .setErrorDetail(Status.newBuilder().setCode(3).setMessage("rejected")).build();

    assertThat(parse(request.toByteArray())).isEqualTo(request);
    assertThat(parse(DiscoveryRequest.newBuilder().setTypeUrl(EDS).build().toByteArray()))
        .isEqualTo(DiscoveryRequest.newBuilder().setTypeUrl(EDS).build());
  }

  @Test
  void requestsRepeatingTheNamesShareTheirStrings() {
    DiscoveryRequest first = parse(ack("n1", NAMES));
    DiscoveryRequest second = parse(ack("n2", NAMES));

    assertThat(second.getResponseNonce()).isEqualTo("n2");
    assertThat(second.getResourceNamesList()).containsExactlyElementsOf(NAMES);
    for (int i = 0; i < NAMES.size(); i++) {
      assertThat(second.getResourceNames(i)).isSameAs(first.getResourceNames(i));
    }
    assertThat(parse(ack("n3", NAMES.subList(1, NAMES.size()))).getResourceNamesList())
        .containsExactlyElementsOf(NAMES.subList(1, NAMES.size()));
  }

  @Test
  void namesInterruptedByAnotherFieldAreParsedAsProtobufDoes() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeString(DiscoveryRequest.RESOURCE_NAMES_FIELD_NUMBER, "a");
    out.writeString(DiscoveryRequest.TYPE_URL_FIELD_NUMBER, EDS);
    out.writeString(DiscoveryRequest.RESOURCE_NAMES_FIELD_NUMBER, "b");
    out.flush();

    DiscoveryRequest parsed = parse(bytes.toByteArray());

    assertThat(parsed).isEqualTo(DiscoveryRequest.parseFrom(bytes.toByteArray()));
    assertThat(parsed.getResourceNamesList()).containsExactly("a", "b");
  }

  @Test
  void badBytesAreRefusedAsGrpcRefusesThem() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeBytes(DiscoveryRequest.RESOURCE_NAMES_FIELD_NUMBER, ByteString.copyFrom(new byte[] {(byte) 0xc3, 0x28}));
    out.flush();

    // a proto3 string must be UTF-8; a cut message is no message
    assertThatThrownBy(() -> parse(bytes.toByteArray())).isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("INTERNAL");
    byte[] cut = java.util.Arrays.copyOf(ack("n1", NAMES), 500);
    assertThatThrownBy(() -> parse(cut)).isInstanceOf(StatusRuntimeException.class);
  }

  @Test
  void knowsABoundedNumberOfLists() {
    for (int i = 0; i < SotwRequestMarshaller.MAX_LISTS * 2 + 3; i++) {
      parse(ack("n", List.of("outbound|80||only-" + i)));
      assertThat(marshaller.knownLists()).isLessThanOrEqualTo(SotwRequestMarshaller.MAX_LISTS);
    }
  }

  private static byte[] ack(String nonce, List<String> names) {
    return DiscoveryRequest.newBuilder().setVersionInfo("v1").addAllResourceNames(names).setTypeUrl(EDS)
        .setResponseNonce(nonce).build().toByteArray();
  }

  private DiscoveryRequest parse(byte[] bytes) {
    return marshaller.parse(new ByteArrayInputStream(bytes));
  }
}
