package io.meshpilot.xds.server;

import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one proxy gets for one type: a few {@link ResourcePart}s with disjoint names (for a sidecar's
 * clusters: the outbound part its scope shares, then its own inbound part). Immutable; a connection
 * keeps the set it sent and the set the proxy ACKed by reference, so per-proxy state is a handful
 * of pointers however large the shared parts are.
 */
public final class ResourceSet implements ResourceVersions {
  /** The set with no resources. */
  public static final ResourceSet EMPTY = new ResourceSet(List.of());

  private final List<ResourcePart> parts;
  private final String version;
  private final int size;

  private ResourceSet(List<ResourcePart> parts) {
    this.parts = List.copyOf(parts);
    int count = 0;
    for (ResourcePart part : this.parts) {
      count += part.size();
    }
    // a set of one (shared) part has that part's set version, hashed once for every proxy
    this.version = this.parts.size() == 1 ? this.parts.getFirst().versionAlone() : version(this.parts);
    this.size = count;
  }

  /** The version of a set of these parts. */
  static String version(List<ResourcePart> parts) {
    ContentHash.SetHash hash = new ContentHash.SetHash();
    for (ResourcePart part : parts) {
      hash.add("part", part.hash());
    }
    return hash.value();
  }

  /** One set from parts whose names do not overlap. */
  public static ResourceSet of(List<ResourcePart> parts) {
    List<ResourcePart> nonEmpty = parts.stream().filter(p -> p.size() > 0).toList();
    return nonEmpty.isEmpty() ? EMPTY : new ResourceSet(nonEmpty);
  }

  /** One set from one part. */
  public static ResourceSet of(ResourcePart part) {
    return of(List.of(part));
  }

  /** One set of these messages, sorted by name. */
  public static ResourceSet ofMessages(Collection<? extends Message> messages) {
    return of(ResourcePart.sorted(messages));
  }

  /** The version of the whole set, sent as version_info / system_version_info. */
  public String version() {
    return version;
  }

  public List<ResourcePart> parts() {
    return parts;
  }

  /** Number of resources. */
  @Override
  public int size() {
    return size;
  }

  /** Every resource, part after part. */
  public List<EncodedResource> resources() {
    if (parts.size() == 1) {
      return parts.getFirst().resources();
    }
    List<EncodedResource> all = new ArrayList<>(size);
    parts.forEach(p -> all.addAll(p.resources()));
    return all;
  }

  /** The generated messages, part after part (config dumps, tests). */
  public List<Message> messages() {
    return resources().stream().map(EncodedResource::message).toList();
  }

  @Override
  public String versionOf(String name) {
    EncodedResource resource = get(name);
    return resource == null ? null : resource.version();
  }

  /** The resource of this name, or null. */
  public EncodedResource get(String name) {
    for (ResourcePart part : parts) {
      EncodedResource resource = part.get(name);
      if (resource != null) {
        return resource;
      }
    }
    return null;
  }

  /** Orders resources of this set as {@link #resources()} lists them. */
  Comparator<EncodedResource> order() {
    return Comparator.comparingLong(this::position);
  }

  private long position(EncodedResource resource) {
    for (int i = 0; i < parts.size(); i++) {
      int at = parts.get(i).position(resource.name());
      if (at >= 0) {
        return ((long) i << 32) | at;
      }
    }
    return Long.MAX_VALUE;
  }

  /** The encoded size of every resource ({@code pilot_xds_config_size_bytes} of a complete answer). */
  public long bytes() {
    long bytes = 0;
    for (ResourcePart part : parts) {
      bytes += part.bytes();
    }
    return bytes;
  }

  @Override
  public Set<String> names() {
    if (parts.size() == 1) {
      return parts.getFirst().names();
    }
    Set<String> names = new HashSet<>();
    parts.forEach(p -> names.addAll(p.names()));
    return names;
  }

  @Override
  public boolean sharesPart(ResourcePart part) {
    for (ResourcePart mine : parts) {
      if (mine == part) {
        return true;
      }
    }
    return false;
  }

  /** The resources whose version differs from (or is missing in) {@code known}; parts it shares are skipped. */
  public List<EncodedResource> changedSince(ResourceVersions known) {
    if (known instanceof ResourceSet set && set.parts.size() == parts.size()) {
      // Part against part: proxies of one scope hold the same parts, so each diff is computed once.
      List<EncodedResource> changed = new ArrayList<>();
      for (int i = 0; i < parts.size(); i++) {
        if (parts.get(i) != set.parts.get(i)) {
          changed.addAll(parts.get(i).changedSince(set.parts.get(i)));
        }
      }
      return changed;
    }
    List<EncodedResource> changed = new ArrayList<>();
    for (ResourcePart part : parts) {
      if (known.sharesPart(part)) {
        continue;
      }
      for (EncodedResource resource : part.resources()) {
        if (!resource.version().equals(known.versionOf(resource.name()))) {
          changed.add(resource);
        }
      }
    }
    return changed;
  }

  /** True when every resource has the version {@code known} gives it, and known names no others. */
  public boolean sameAs(ResourceVersions known) {
    if (known == this) {
      return true;
    }
    return known.size() == size && changedSince(known).isEmpty();
  }

  /** Names {@code known} has that this set does not. */
  public List<String> removedSince(ResourceVersions known) {
    List<String> removed = new ArrayList<>();
    if (known instanceof ResourceSet set) {
      for (ResourcePart part : set.parts) {
        if (!sharesPart(part)) {
          for (String name : part.names()) {
            if (versionOf(name) == null) {
              removed.add(name);
            }
          }
        }
      }
      return removed;
    }
    for (String name : known.names()) {
      if (versionOf(name) == null) {
        removed.add(name);
      }
    }
    return removed;
  }

  /**
   * What a proxy holds after it was sent only some of this set: the chosen names at this set's
   * versions, the rest as {@code before} had them. Chains are cut at a small depth (then copied), so
   * a proxy that only ever gets partial endpoint pushes keeps bounded state.
   */
  public ResourceVersions overlaying(ResourceVersions before, java.util.function.Predicate<String> chosen) {
    return Overlay.of(this, before, chosen);
  }

  private record Overlay(ResourceSet top, ResourceVersions base, java.util.function.Predicate<String> fromTop,
      int depth) implements ResourceVersions {
    private static final int MAX_DEPTH = 4;

    static ResourceVersions of(ResourceSet top, ResourceVersions base, java.util.function.Predicate<String> fromTop) {
      int depth = base instanceof Overlay o ? o.depth + 1 : 1;
      Overlay overlay = new Overlay(top, base, fromTop, depth);
      if (depth <= MAX_DEPTH) {
        return overlay;
      }
      Map<String, String> flat = new java.util.HashMap<>();
      for (String name : overlay.names()) {
        flat.put(name, overlay.versionOf(name));
      }
      return ofVersions(flat);
    }

    @Override
    public String versionOf(String name) {
      return fromTop.test(name) ? top.versionOf(name) : base.versionOf(name);
    }

    @Override
    public Set<String> names() {
      Set<String> names = new HashSet<>();
      for (String name : base.names()) {
        if (!fromTop.test(name)) {
          names.add(name);
        }
      }
      for (String name : top.names()) {
        if (fromTop.test(name)) {
          names.add(name);
        }
      }
      return names;
    }
  }

  /** A version map of what this set holds (Delta reconnects state theirs as a map). */
  static ResourceVersions ofVersions(Map<String, String> versions) {
    Map<String, String> copy = Map.copyOf(versions);
    return new ResourceVersions() {
      @Override
      public String versionOf(String name) {
        return copy.get(name);
      }

      @Override
      public Set<String> names() {
        return copy.keySet();
      }
    };
  }
}
