package io.meshpilot.registry.file;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.meshpilot.registry.InvalidObjectException;
import io.meshpilot.registry.ObjectKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the text of one YAML file (one or more documents, as {@code kubectl get -o yaml} prints
 * them, including {@code kind: List}) into Kubernetes objects. A syntax error fails the whole file;
 * a document that does not deserialize fails only that document.
 */
final class YamlDocuments {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final KubernetesSerialization KUBE = new KubernetesSerialization();
  private static final String UNIDENTIFIED_KIND = "File";

  private YamlDocuments() {}

  /** One parsed document: either an object or the reason it could not be read. */
  record Document(ObjectKey key, HasMetadata object, String error) {
    boolean ok() {
      return error == null;
    }

    /** Whether the document names its object (a kind and a name), even if it failed to read. */
    boolean identified() {
      return !key.kind().equals(UNIDENTIFIED_KIND) && !key.name().isEmpty();
    }
  }

  /**
   * Parses every document of a file.
   *
   * @throws InvalidObjectException on a YAML syntax error, with the line and column
   */
  static List<Document> parse(String fileName, String text) throws InvalidObjectException {
    List<Map<String, Object>> raw = new ArrayList<>();
    try (MappingIterator<Object> docs = YAML.readerFor(Object.class).readValues(text)) {
      while (docs.hasNextValue()) {
        Object doc = docs.nextValue();
        if (doc == null) {
          continue; // an empty document between two "---"
        }
        if (!(doc instanceof Map<?, ?> map)) {
          throw new InvalidObjectException("document " + (raw.size() + 1) + " is not a mapping");
        }
        raw.add(stringKeyed(map));
      }
    } catch (JsonProcessingException e) {
      throw new InvalidObjectException("YAML syntax error " + location(e) + ": " + oneLine(e.getOriginalMessage()));
    } catch (java.io.IOException | RuntimeException e) {
      throw new InvalidObjectException("unreadable YAML: " + e.getMessage());
    }
    List<Document> documents = new ArrayList<>();
    int index = 0;
    for (Map<String, Object> doc : raw) {
      index++;
      expand(fileName, index, doc, null, null, documents);
    }
    return documents;
  }

  private static void expand(String fileName, int index, Map<String, Object> doc, String defaultKind,
      String defaultApiVersion, List<Document> out) {
    Object kind = doc.get("kind");
    if (kind == null && defaultKind != null) {
      doc.put("kind", defaultKind);
      doc.putIfAbsent("apiVersion", defaultApiVersion);
      kind = defaultKind;
    }
    if (!(kind instanceof String kindName) || kindName.isEmpty()) {
      out.add(new Document(new ObjectKey(UNIDENTIFIED_KIND, "", fileName + "#" + index), null, "document " + index + " has no kind"));
      return;
    }
    if (kindName.endsWith("List") && doc.get("items") instanceof List<?> items) {
      String itemKind = kindName.equals("List") ? null : kindName.substring(0, kindName.length() - "List".length());
      for (Object item : items) {
        if (item instanceof Map<?, ?> map) {
          expand(fileName, index, stringKeyed(map), itemKind, (String) doc.get("apiVersion"), out);
        }
      }
      return;
    }
    ObjectKey key = keyOf(fileName, index, kindName, doc);
    if (key.name().isEmpty()) {
      out.add(new Document(key, null, kindName + " in document " + index + " has no metadata.name"));
      return;
    }
    try {
      KubernetesResource resource = KUBE.convertValue(doc, KubernetesResource.class);
      if (!(resource instanceof HasMetadata object)) {
        out.add(new Document(key, null, kindName + " is not a Kubernetes object with metadata"));
        return;
      }
      if (object.getMetadata().getNamespace() == null && !key.namespace().isEmpty()) {
        object.getMetadata().setNamespace(key.namespace());
      }
      out.add(new Document(key, object, null));
    } catch (IllegalArgumentException | ClassCastException e) {
      out.add(new Document(key, null, "cannot read " + kindName + ": " + rootMessage(e)));
    }
  }

  private static ObjectKey keyOf(String fileName, int index, String kind, Map<String, Object> doc) {
    String namespace = "";
    String name = "";
    if (doc.get("metadata") instanceof Map<?, ?> metadata) {
      namespace = metadata.get("namespace") instanceof String ns ? ns : "";
      name = metadata.get("name") instanceof String n ? n : "";
    }
    boolean clusterScoped = kind.equals("Node");
    if (!clusterScoped && namespace.isEmpty()) {
      namespace = "default"; // as kubectl apply would place it
    }
    return new ObjectKey(kind, clusterScoped ? "" : namespace, name.isEmpty() ? "" : name);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> stringKeyed(Map<?, ?> map) {
    Map<String, Object> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> copy.put(String.valueOf(k), v));
    return copy;
  }

  /**
   * The parser's complaint on one line: SnakeYAML adds the offending source line, a caret and
   * "in 'reader'" positions on lines of their own; the position is already in the message.
   */
  private static String oneLine(String message) {
    return message.lines()
        .filter(line -> !line.isBlank())
        .filter(line -> !line.startsWith("    ") && !line.trim().startsWith("in 'reader'"))
        .map(String::trim)
        .collect(java.util.stream.Collectors.joining("; "));
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : "at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.toString() : root.getMessage();
    int newline = message.indexOf('\n');
    return newline > 0 ? message.substring(0, newline) : message;
  }
}
