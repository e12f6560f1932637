package io.meshpilot.xds.server;

import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable group of encoded resources with one content hash: the unit that is shared by every
 * proxy whose config includes it (a scope's outbound clusters, for example). Two proxies holding the
 * same part instance hold the same bytes, and comparing them costs nothing.
 */
public final class ResourcePart {
  /** The part with no resources. */
  public static final ResourcePart EMPTY = new ResourcePart(List.of());

  private final List<EncodedResource> resources;
  // Where each name is in resources: shared with the parts derived by replacing resources in place.
  private final Map<String, Integer> positions;
  private final long bytes;
  private final Set<String> names;
  private final String hash;
  // The last diff asked for: every proxy of a scope asks for the same one after a push.
  private volatile Changes lastDiff;
  // Every resource's response field, encoded once: what a complete answer sends of this part.
  private final ResponseFields fields;
  private volatile String versionAlone;

  private ResourcePart(List<EncodedResource> resources) {
    this(resources, null);
  }

  private ResourcePart(List<EncodedResource> resources, Set<String> sameNames) {
    this.resources = List.copyOf(resources);
    this.fields = new ResponseFields(this.resources);
    Map<String, Integer> index = new HashMap<>(Math.max(4, resources.size() * 2));
    LinkedHashSet<String> ordered = new LinkedHashSet<>();
    long size = 0;
    for (EncodedResource resource : this.resources) {
      index.put(resource.name(), index.size());
      ordered.add(resource.name());
      size += resource.size();
    }
    this.positions = Collections.unmodifiableMap(index);
    this.bytes = size;
    // An equal name set the callers already hold is kept by identity, so they keep finding it cheaply.
    this.names = sameNames != null && sameNames.size() == ordered.size() && sameNames.containsAll(ordered)
        ? sameNames : Collections.unmodifiableSet(ordered);
    this.hash = hash(this.resources);
  }

  /** A part with another resource at some positions of {@code base}: its names, order and index are shared. */
  private ResourcePart(ResourcePart base, List<EncodedResource> resources, long bytes) {
    this.resources = resources;
    this.fields = new ResponseFields(resources);
    this.positions = base.positions;
    this.names = base.names;
    this.bytes = bytes;
    this.hash = hash(resources);
  }

  private static String hash(List<EncodedResource> resources) {
    ContentHash.SetHash setHash = new ContentHash.SetHash();
    for (EncodedResource resource : resources) {
      setHash.add(resource.name(), resource.version());
    }
    return setHash.value();
  }

  /**
   * The messages in the given order (a later duplicate name is dropped), each encoded once.
   */
  public static ResourcePart of(Collection<? extends Message> messages) {
    return of(messages, null);
  }

  /**
   * The messages in the given order (a later duplicate name is dropped); when their names are
   * exactly {@code names} (when given), the part's name set is that instance.
   */
  public static ResourcePart of(Collection<? extends Message> messages, Set<String> names) {
    List<EncodedResource> encoded = new ArrayList<>(messages.size());
    messages.forEach(message -> encoded.add(EncodedResource.of(message)));
    return ofEncoded(encoded, names);
  }

  /**
   * Resources already encoded (some taken from an earlier part), in the given order (a later
   * duplicate name is dropped); when their names are exactly {@code names} (when given), the
   * part's name set is that instance.
   */
  public static ResourcePart ofEncoded(List<EncodedResource> resources, Set<String> names) {
    List<EncodedResource> unique = new ArrayList<>(resources.size());
    Set<String> seen = new java.util.HashSet<>();
    for (EncodedResource resource : resources) {
      if (seen.add(resource.name())) {
        unique.add(resource);
      }
    }
    return new ResourcePart(unique, names);
  }

  /** The messages sorted by resource name. */
  public static ResourcePart sorted(Collection<? extends Message> messages) {
    List<EncodedResource> encoded = new ArrayList<>(messages.size());
    messages.forEach(m -> encoded.add(EncodedResource.of(m)));
    encoded.sort(Comparator.comparing(EncodedResource::name));
    List<EncodedResource> unique = new ArrayList<>(encoded.size());
    for (EncodedResource resource : encoded) {
      if (unique.isEmpty() || !unique.getLast().name().equals(resource.name())) {
        unique.add(resource);
      }
    }
    return new ResourcePart(unique);
  }

  /** The resources, in the order they are sent. */
  public List<EncodedResource> resources() {
    return resources;
  }

  /** The resource names (iteration order not significant). */
  public Set<String> names() {
    return names;
  }

  /** The resource of this name, or null. */
  public EncodedResource get(String name) {
    Integer position = positions.get(name);
    return position == null ? null : resources.get(position);
  }

  /**
   * This part with each of {@code replacements} in place of the resource of its name, which must be
   * in the part: the cost of what changed (plus the content hash), not of the part's size. The part
   * itself when nothing differs.
   */
  public ResourcePart replacing(Collection<EncodedResource> replacements) {
    EncodedResource[] replaced = null;
    long size = bytes;
    for (EncodedResource resource : replacements) {
      Integer position = positions.get(resource.name());
      if (position == null) {
        throw new IllegalArgumentException("not in the part: " + resource.name());
      }
      EncodedResource old = resources.get(position);
      if (old.version().equals(resource.version())) {
        continue;
      }
      if (replaced == null) {
        replaced = resources.toArray(EncodedResource[]::new);
      }
      replaced[position] = resource;
      size += resource.size() - old.size();
    }
    return replaced == null ? this : new ResourcePart(this, List.of(replaced), size);
  }

  public int size() {
    return resources.size();
  }

  /** The encoded size of every resource of the part. */
  public long bytes() {
    return bytes;
  }

  /** Where the resource of this name is in {@link #resources()}, or -1. */
  int position(String name) {
    return positions.getOrDefault(name, -1);
  }

  /**
   * The resources of this part whose version differs from (or is missing in) {@code older}; the
   * answer is kept for the next proxy that asks about the same pair.
   */
  public List<EncodedResource> changedSince(ResourcePart older) {
    return changesSince(older).resources();
  }

  /** {@link #changedSince}, with their response fields encoded once for every proxy sent them. */
  Changes changesSince(ResourcePart older) {
    Changes diff = lastDiff;
    if (diff != null && diff.older == older) {
      return diff;
    }
    List<EncodedResource> changed = new java.util.ArrayList<>();
    for (EncodedResource resource : resources) {
      EncodedResource before = older.get(resource.name());
      if (before == null || !before.version().equals(resource.version())) {
        changed.add(resource);
      }
    }
    diff = new Changes(older, List.copyOf(changed));
    lastDiff = diff;
    return diff;
  }

  /** The resources of a part that differ from an older part, and their response fields. */
  static final class Changes {
    private final ResourcePart older;
    private final List<EncodedResource> resources;
    private final long bytes;
    private final ResponseFields fields;

    private Changes(ResourcePart older, List<EncodedResource> resources) {
      this.older = older;
      this.resources = resources;
      this.fields = new ResponseFields(resources);
      long size = 0;
      for (EncodedResource resource : resources) {
        size += resource.size();
      }
      this.bytes = size;
    }

    List<EncodedResource> resources() {
      return resources;
    }

    /** Their encoded size. */
    long bytes() {
      return bytes;
    }

    /** Each as a DiscoveryResponse {@code resources} field, in order, in one array. */
    byte[] sotwFields() {
      return fields.sotw();
    }

    /** Each as a DeltaDiscoveryResponse {@code resources} field, in order, in one array. */
    byte[] deltaFields() {
      return fields.delta();
    }
  }

  /** Every resource of the part as DiscoveryResponse {@code resources} fields, in order. */
  byte[] sotwFields() {
    return fields.sotw();
  }

  /** Every resource of the part as DeltaDiscoveryResponse {@code resources} fields, in order. */
  byte[] deltaFields() {
    return fields.delta();
  }

  /** The version of a {@link ResourceSet} of this part alone. */
  String versionAlone() {
    String version = versionAlone;
    if (version == null) {
      version = ResourceSet.version(List.of(this));
      versionAlone = version;
    }
    return version;
  }

  /** A content hash of every name and version, in order. */
  public String hash() {
    return hash;
  }
}
