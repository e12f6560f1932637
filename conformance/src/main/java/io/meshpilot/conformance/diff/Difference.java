package io.meshpilot.conformance.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * One way the two servers disagree: at {@code path} inside {@code subject}, what each serves; a side
 * that has nothing there holds a {@link MissingNode}. The empty path is the whole resource (served by
 * one side only).
 *
 * @param subject the resource
 * @param path the JSON path inside it: fields joined by {@code .}, array elements as {@code [key]}
 *     (their name, address or index; for lists of scalars the value itself)
 * @param istiod what istiod serves there
 * @param meshpilot what meshpilot serves there
 */
public record Difference(Subject subject, String path, JsonNode istiod, JsonNode meshpilot) {
  public Difference {
    istiod = istiod == null ? MissingNode.getInstance() : istiod;
    meshpilot = meshpilot == null ? MissingNode.getInstance() : meshpilot;
  }

  /** The path with every element key replaced by {@code *}: the same field across resources. */
  public String pathPattern() {
    StringBuilder out = new StringBuilder();
    int depth = 0;
    for (char c : path.toCharArray()) {
      if (c == '[' && depth++ == 0) {
        out.append("[*]");
      } else if (c == ']' && depth > 0) {
        depth--;
      } else if (depth == 0) {
        out.append(c); // keys may hold brackets themselves (IPv6 addresses): skip to the matching one
      }
    }
    return out.toString();
  }

  /** Only istiod serves something here. */
  public boolean onlyIstiod() {
    return meshpilot.isMissingNode();
  }

  /** Only meshpilot serves something here. */
  public boolean onlyMeshpilot() {
    return istiod.isMissingNode();
  }
}
