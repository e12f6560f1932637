package io.meshpilot.registry.traffic;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.meshpilot.registry.InvalidObjectException;
import io.meshpilot.registry.ObjectKey;
import io.meshpilot.registry.networking.ConfigMeta;
import io.meshpilot.registry.networking.DestinationRule;
import io.meshpilot.registry.networking.IstioConfig;
import io.meshpilot.registry.networking.IstioKind;
import io.meshpilot.registry.networking.Sidecar;
import io.meshpilot.registry.networking.StoredConfig;
import io.meshpilot.registry.networking.VirtualService;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Reads a DestinationRule, VirtualService or Sidecar delivered as a {@link GenericKubernetesResource}
 * into its spec record by Istio's JSON field names. Fields the records do not have are skipped and
 * reported (istiod's proto would know some of them; the API server prunes the rest); a field of the
 * wrong type fails the object, naming the field.
 */
public final class TrafficConfigParser {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();
  // prints a spec record without its unset fields, as protobuf JSON leaves them out
  // (map fields, such as labels, sorted by key as protobuf JSON sorts them, so output is stable)
  private static final ObjectMapper PRINTER = JsonMapper.builder()
      .serializationInclusion(JsonInclude.Include.NON_EMPTY)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .build();
  private static final TypeReference<Map<String, Object>> TREE = new TypeReference<>() {};

  private TrafficConfigParser() {}

  /** The spec record type of a traffic kind. */
  static Class<?> specType(IstioKind kind) {
    return switch (kind) {
      case DESTINATION_RULE -> DestinationRule.class;
      case VIRTUAL_SERVICE -> VirtualService.class;
      case SIDECAR -> Sidecar.class;
      case SERVICE_ENTRY, WORKLOAD_ENTRY -> throw new IllegalArgumentException(kind.kind() + " has its own parser");
    };
  }

  /**
   * Parses one object of a traffic kind.
   *
   * @param source who delivered it, kept in the metadata
   * @throws InvalidObjectException naming the field when the spec is missing or a field has the wrong type
   */
  public static ParsedConfig<?> parse(IstioKind kind, GenericKubernetesResource resource, String source)
      throws InvalidObjectException {
    Map<?, ?> rawSpec = rawSpec(resource);
    if (resource.getMetadata().getAnnotations() != null
        && resource.getMetadata().getAnnotations().containsKey("istio.io/dry-run")) {
      throw new InvalidObjectException(
          "metadata.annotations: unsupported annotation istio.io/dry-run, please remove the annotation");
    }
    List<String> unknown = new ArrayList<>();
    Object spec = bind(rawSpec, specType(kind), unknown);
    Map<String, Object> printed = ProtoJsonForm.apply(PRINTER.convertValue(spec, TREE));
    ConfigMeta meta = meta(kind, resource, source, printed);
    unknown.sort(null); // Jackson reports them in binding order; logs read better in path order
    return new ParsedConfig<>(new IstioConfig<>(meta, spec), new StoredConfig(kind, meta, resource.getMetadata().getUid(),
        printed), unknown);
  }

  /**
   * An object of a kind parsed elsewhere (ServiceEntry) as {@code /debug/configz} lists it: its
   * spec as delivered.
   */
  public static StoredConfig stored(IstioKind kind, GenericKubernetesResource resource, String source)
      throws InvalidObjectException {
    Map<String, Object> spec = PRINTER.convertValue(rawSpec(resource), TREE);
    return new StoredConfig(kind, meta(kind, resource, source, spec), resource.getMetadata().getUid(), spec);
  }

  private static Map<?, ?> rawSpec(GenericKubernetesResource resource) throws InvalidObjectException {
    ObjectMeta meta = resource.getMetadata();
    if (meta == null || meta.getName() == null || meta.getName().isEmpty()) {
      throw new InvalidObjectException("metadata.name: required");
    }
    Map<String, Object> additional = resource.getAdditionalProperties();
    Object rawSpec = additional == null ? null : additional.get("spec");
    if (!(rawSpec instanceof Map<?, ?> map)) {
      throw new InvalidObjectException(rawSpec == null ? "spec: required" : "spec: expected an object");
    }
    return map;
  }

  private static ConfigMeta meta(IstioKind kind, GenericKubernetesResource resource, String source,
      Map<String, Object> printed) throws InvalidObjectException {
    ObjectMeta meta = resource.getMetadata();
    String namespace = meta.getNamespace() == null || meta.getNamespace().isEmpty() ? "default" : meta.getNamespace();
    return new ConfigMeta(new ObjectKey(kind.kind(), namespace, meta.getName()), resource.getApiVersion(),
        resourceVersion(meta, printed), creationTime(meta.getCreationTimestamp()), meta.getLabels(),
        meta.getAnnotations(), meta.getGeneration() == null ? 0 : meta.getGeneration(), source);
  }

  private static Object bind(Object rawSpec, Class<?> type, List<String> unknown) throws InvalidObjectException {
    try {
      JsonNode tree = MAPPER.valueToTree(rawSpec);
      return MAPPER.readerFor(type).withHandler(new UnknownFields(unknown)).readValue(tree);
    } catch (MismatchedInputException e) {
      String got = e instanceof InvalidFormatException format ? ", got \"" + format.getValue() + "\"" : "";
      throw new InvalidObjectException(path(e.getPath()) + ": expected " + describe(e.getTargetType()) + got);
    } catch (JsonMappingException e) {
      throw new InvalidObjectException(path(e.getPath()) + ": " + firstLine(e.getOriginalMessage()));
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidObjectException("spec: " + firstLine(e.getMessage()));
    }
  }

  /** Files carry no resourceVersion: a hash of the printed spec stands in, so a change is visible. */
  private static String resourceVersion(ObjectMeta meta, Map<String, Object> printed) {
    if (meta.getResourceVersion() != null && !meta.getResourceVersion().isEmpty()) {
      return meta.getResourceVersion();
    }
    return Integer.toHexString(printed.hashCode());
  }

  private static Instant creationTime(String timestamp) throws InvalidObjectException {
    if (timestamp == null || timestamp.isEmpty()) {
      return Instant.EPOCH;
    }
    try {
      return OffsetDateTime.parse(timestamp).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidObjectException("metadata.creationTimestamp: not an RFC 3339 time: \"" + timestamp + "\"");
    }
  }

  private static String path(List<JsonMappingException.Reference> references) {
    StringBuilder out = new StringBuilder("spec");
    for (JsonMappingException.Reference ref : references) {
      if (ref.getFieldName() != null) {
        out.append('.').append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        out.append('[').append(ref.getIndex()).append(']');
      }
    }
    return out.toString();
  }

  /** How a field's expected JSON type reads in a rejection. */
  private static String describe(Class<?> type) {
    if (type == null) {
      return "another type";
    }
    if (java.util.Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Integer.class || type == Long.class || type == int.class || type == long.class) {
      return "an integer";
    }
    if (type == Double.class || type == double.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    return "an object";
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "cannot be read";
    }
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline);
    // Jackson names the Java types; the Istio field path says enough
    return line.replaceAll(" of type `[^`]*`", "").replaceAll("`java\\.lang\\.(\\w+)`", "$1");
  }

  /** Records every unknown field by its spec path and skips its value. */
  private static final class UnknownFields extends DeserializationProblemHandler {
    private final List<String> unknown;

    UnknownFields(List<String> unknown) {
      this.unknown = unknown;
    }

    @Override
    public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
        Object beanOrClass, String propertyName) throws IOException {
      unknown.add(path(p.getParsingContext()));
      p.skipChildren();
      return true;
    }

    private static String path(JsonStreamContext context) {
      Deque<String> parts = new ArrayDeque<>();
      for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
        if (c.inObject() && c.getCurrentName() != null) {
          parts.push("." + c.getCurrentName());
        } else if (c.inArray()) {
          parts.push("[" + c.getCurrentIndex() + "]");
        }
      }
      return "spec" + String.join("", parts);
    }
  }
}
