package io.meshpilot.conformance.diff;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Field-by-field difference of two JSON values. Objects compare key by key; arrays of objects whose
 * elements each carry a distinct key ({@link ElementKey}) compare element by element whatever their
 * positions (a reordering is one difference at the array's path); arrays of scalars compare as sets
 * (each value only one side has is a difference); other arrays compare by index. Numbers compare by
 * value, so {@code 1} and {@code 1.0} agree. The order of a locality's endpoints and of a route
 * match's query parameters (istiod ranges over the VirtualService's map) means nothing to Envoy and
 * istiod's varies from run to run, so it is not compared.
 */
public final class JsonDiff {
  private static final Set<String> UNORDERED = Set.of("lbEndpoints", "lb_endpoints", "queryParameters",
      "query_parameters");
  private JsonDiff() {}

  /** Every difference between what istiod and meshpilot serve for {@code subject}. */
  public static List<Difference> diff(Subject subject, JsonNode istiod, JsonNode meshpilot) {
    List<Difference> out = new ArrayList<>();
    compare(subject, "", istiod, meshpilot, out);
    return out;
  }

  private static void compare(Subject subject, String path, JsonNode a, JsonNode b, List<Difference> out) {
    if (a.isObject() && b.isObject()) {
      Set<String> fields = new TreeSet<>();
      a.fieldNames().forEachRemaining(fields::add);
      b.fieldNames().forEachRemaining(fields::add);
      for (String field : fields) {
        JsonNode x = a.path(field);
        JsonNode y = b.path(field);
        String child = path.isEmpty() ? field : path + "." + field;
        if (x.isMissingNode() || y.isMissingNode()) {
          out.add(new Difference(subject, child, x, y));
        } else {
          compare(subject, child, x, y, out);
        }
      }
    } else if (a.isArray() && b.isArray()) {
      compareArrays(subject, path, a, b, out);
    } else if (!scalarEquals(a, b)) {
      out.add(new Difference(subject, path, a, b));
    }
  }

  private static void compareArrays(Subject subject, String path, JsonNode a, JsonNode b, List<Difference> out) {
    if (allScalars(a) && allScalars(b)) {
      Set<String> left = texts(a);
      Set<String> right = texts(b);
      for (JsonNode x : a) {
        if (!right.contains(x.asText())) {
          out.add(new Difference(subject, path + "[" + x.asText() + "]", x, null));
        }
      }
      for (JsonNode y : b) {
        if (!left.contains(y.asText())) {
          out.add(new Difference(subject, path + "[" + y.asText() + "]", null, y));
        }
      }
      return;
    }
    Optional<Map<String, JsonNode>> left = ElementKey.keyed(a);
    Optional<Map<String, JsonNode>> right = ElementKey.keyed(b);
    if (left.isPresent() && right.isPresent()) {
      compareKeyed(subject, path, left.get(), right.get(), out);
      return;
    }
    int n = Math.max(a.size(), b.size());
    for (int i = 0; i < n; i++) {
      String child = path + "[" + i + "]";
      JsonNode x = a.path(i);
      JsonNode y = b.path(i);
      if (x.isMissingNode() || y.isMissingNode()) {
        out.add(new Difference(subject, child, x, y));
      } else {
        compare(subject, child, x, y, out);
      }
    }
  }

  private static void compareKeyed(Subject subject, String path, Map<String, JsonNode> a, Map<String, JsonNode> b,
      List<Difference> out) {
    Set<String> keys = new LinkedHashSet<>(a.keySet());
    keys.addAll(b.keySet());
    for (String key : keys) {
      String child = path + "[" + key + "]";
      JsonNode x = a.get(key);
      JsonNode y = b.get(key);
      if (x == null || y == null) {
        out.add(new Difference(subject, child, x, y));
      } else {
        compare(subject, child, x, y, out);
      }
    }
    List<String> orderA = new ArrayList<>(a.keySet());
    List<String> orderB = new ArrayList<>(b.keySet());
    orderA.retainAll(b.keySet());
    orderB.retainAll(a.keySet());
    if (!orderA.equals(orderB) && !UNORDERED.contains(path.substring(path.lastIndexOf('.') + 1))) {
      out.add(new Difference(subject, path + " (order)", ElementKey.JSON.valueToTree(orderA),
          ElementKey.JSON.valueToTree(orderB)));
    }
  }

  private static boolean scalarEquals(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    return a.equals(b);
  }

  private static boolean allScalars(JsonNode array) {
    for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
      if (it.next().isContainerNode()) {
        return false;
      }
    }
    return true;
  }

  private static Set<String> texts(JsonNode array) {
    Set<String> out = new LinkedHashSet<>();
    array.forEach(e -> out.add(e.asText()));
    return out;
  }
}
