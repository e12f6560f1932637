package io.meshpilot.xds.dns;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FieldOptions;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import java.util.SortedMap;

/**
 * Istio's {@code istio.networking.nds.v1.NameTable} ({@code pkg/dns/proto/nds.proto} in istio/istio),
 * described here rather than generated: no Envoy or java-control-plane artifact ships it, and its two
 * messages are small. The messages are {@link DynamicMessage}s of this descriptor, so they encode,
 * hash and print as JSON like any generated message.
 */
public final class NameTableProto {
  private static final String PACKAGE = "istio.networking.nds.v1";

  /** {@code NameTable}: {@code map<string, NameInfo> table = 1}. */
  public static final Descriptor NAME_TABLE;
  private static final Descriptor NAME_INFO;
  private static final Descriptor TABLE_ENTRY;

  static {
    DescriptorProto nameInfo = DescriptorProto.newBuilder().setName("NameInfo")
        .addField(field("ips", 1, Label.LABEL_REPEATED, Type.TYPE_STRING))
        .addField(field("registry", 2, Label.LABEL_OPTIONAL, Type.TYPE_STRING))
        .addField(field("shortname", 3, Label.LABEL_OPTIONAL, Type.TYPE_STRING))
        .addField(field("namespace", 4, Label.LABEL_OPTIONAL, Type.TYPE_STRING))
        .addField(field("alt_hosts", 5, Label.LABEL_REPEATED, Type.TYPE_STRING).toBuilder()
            .setOptions(FieldOptions.newBuilder().setDeprecated(true)))
        .build();
    DescriptorProto tableEntry = DescriptorProto.newBuilder().setName("TableEntry")
        .setOptions(MessageOptions.newBuilder().setMapEntry(true))
        .addField(field("key", 1, Label.LABEL_OPTIONAL, Type.TYPE_STRING))
        .addField(field("value", 2, Label.LABEL_OPTIONAL, Type.TYPE_MESSAGE).toBuilder()
            .setTypeName("." + PACKAGE + ".NameTable.NameInfo"))
        .build();
    DescriptorProto table = DescriptorProto.newBuilder().setName("NameTable")
        .addNestedType(nameInfo)
        .addNestedType(tableEntry)
        .addField(field("table", 1, Label.LABEL_REPEATED, Type.TYPE_MESSAGE).toBuilder()
            .setTypeName("." + PACKAGE + ".NameTable.TableEntry"))
        .build();
    FileDescriptorProto file = FileDescriptorProto.newBuilder()
        .setName("pkg/dns/proto/nds.proto")
        .setPackage(PACKAGE)
        .setSyntax("proto3")
        .addMessageType(table)
        .build();
    try {
      NAME_TABLE = FileDescriptor.buildFrom(file, new FileDescriptor[0]).findMessageTypeByName("NameTable");
    } catch (DescriptorValidationException e) {
      throw new ExceptionInInitializerError(e);
    }
    NAME_INFO = NAME_TABLE.findNestedTypeByName("NameInfo");
    TABLE_ENTRY = NAME_TABLE.findNestedTypeByName("TableEntry");
  }

  private NameTableProto() {}

  /** The message for a table; entries are written in hostname order, so equal tables encode equally. */
  public static Message message(SortedMap<String, NameInfo> table) {
    FieldDescriptor tableField = NAME_TABLE.findFieldByName("table");
    DynamicMessage.Builder out = DynamicMessage.newBuilder(NAME_TABLE);
    table.forEach((host, info) -> out.addRepeatedField(tableField, DynamicMessage.newBuilder(TABLE_ENTRY)
        .setField(TABLE_ENTRY.findFieldByName("key"), host)
        .setField(TABLE_ENTRY.findFieldByName("value"), nameInfo(info))
        .build()));
    return out.build();
  }

  private static DynamicMessage nameInfo(NameInfo info) {
    DynamicMessage.Builder out = DynamicMessage.newBuilder(NAME_INFO);
    FieldDescriptor ips = NAME_INFO.findFieldByName("ips");
    info.ips().forEach(ip -> out.addRepeatedField(ips, ip));
    setIfPresent(out, "registry", info.registry());
    setIfPresent(out, "shortname", info.shortname());
    setIfPresent(out, "namespace", info.namespace());
    return out.build();
  }

  // proto3 leaves empty strings off the wire; setting one would too, but keep the message minimal
  private static void setIfPresent(DynamicMessage.Builder out, String name, String value) {
    if (!value.isEmpty()) {
      out.setField(NAME_INFO.findFieldByName(name), value);
    }
  }

  private static FieldDescriptorProto field(String name, int number, Label label, Type type) {
    return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setLabel(label).setType(type).build();
  }
}
