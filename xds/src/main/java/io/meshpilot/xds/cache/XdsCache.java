package io.meshpilot.xds.cache;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.cache.CacheStats;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * The resource cache across pushes (istiod's XdsCache): one generated resource (a cluster, a
 * ClusterLoadAssignment, a virtual host) per key, where a key names every input of that
 * resource. Inputs taken from the registry are held by identity ({@link Ref}): the registry
 * replaces a Service or an endpoint list when it changes, so a changed input is a new key and an
 * unchanged one hits. A Service change therefore regenerates that service's resources only, and
 * an EndpointSlice change only its ClusterLoadAssignments. Bounded (least recently used entries
 * go first: stale keys are never read again), with hit and miss counts.
 */
public final class XdsCache {
  /** istiod's {@code PILOT_XDS_CACHE_SIZE} default. */
  public static final int DEFAULT_SIZE = 60_000;

  private final Cache<Object, Object> entries;

  public XdsCache(int maximumSize) {
    this.entries = CacheBuilder.newBuilder().maximumSize(maximumSize).recordStats().build();
  }

  /** A cache that keeps nothing (every read a miss), for one-off generation. */
  public static XdsCache disabled() {
    return new XdsCache(0);
  }

  /**
   * The cached value for {@code key}, built by {@code build} on a miss. Keys are records that name
   * every input; {@code build} must depend on nothing else.
   */
  @SuppressWarnings("unchecked")
  public <T> T get(Object key, Supplier<T> build) {
    try {
      return (T) entries.get(key, build::get);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } catch (com.google.common.util.concurrent.UncheckedExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw e;
    }
  }

  /** Reads that found the entry. */
  public long hits() {
    return stats().hitCount();
  }

  /** Reads that had to build the entry. */
  public long misses() {
    return stats().missCount();
  }

  /** Entries evicted for size. */
  public long evictions() {
    return stats().evictionCount();
  }

  /** Entries held now. */
  public long size() {
    return entries.size();
  }

  private CacheStats stats() {
    return entries.stats();
  }
}
