package io.meshpilot.xds.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.meshpilot.xds.dump.ConfigDumpJson;
import io.meshpilot.xds.server.EncodedResource;
import io.meshpilot.xds.server.XdsType;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class NameTableProtoTest {
  private static final TreeMap<String, NameInfo> TABLE = new TreeMap<>(java.util.Map.of(
      "reviews.default.svc.cluster.local", new NameInfo(List.of("10.96.0.10"), "Kubernetes", "reviews", "default"),
      "api.example.com", new NameInfo(List.of("240.240.0.1"), "External", "", "")));

  @Test
  void encodesAsIstiosNameTableTypeWithoutAName() {
    EncodedResource encoded = EncodedResource.of(NameTableProto.message(TABLE));

    assertThat(encoded.any().getTypeUrl()).isEqualTo(XdsType.NAME_TABLE.typeUrl());
    assertThat(encoded.name()).isEmpty();
    assertThat(EncodedResource.of(NameTableProto.message(new TreeMap<>(TABLE))).version())
        .as("equal tables, equal versions").isEqualTo(encoded.version());
  }

  @Test
  void printsAsProtobufJsonInConfigDumps() throws Exception {
    Message table = NameTableProto.message(TABLE);

    assertThat(ConfigDumpJson.write(Any.pack(table), false)).isEqualTo(
        "{\"@type\":\"type.googleapis.com/istio.networking.nds.v1.NameTable\",\"table\":{"
            + "\"api.example.com\":{\"ips\":[\"240.240.0.1\"],\"registry\":\"External\"},"
            + "\"reviews.default.svc.cluster.local\":{\"ips\":[\"10.96.0.10\"],\"registry\":\"Kubernetes\","
            + "\"shortname\":\"reviews\",\"namespace\":\"default\"}}}");
  }
}
