package io.meshpilot.xds.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Remembers a {@link TokenReviewer}'s answers, so a proxy that reconnects (or opens several streams)
 * costs one TokenReview per {@code ttl}, not one per stream. Tokens are keyed by their SHA-256, never
 * kept themselves. A refusal is remembered for a shorter time, so a token refused while the API
 * server was unreachable is tried again soon. At most {@code maxEntries} answers are kept; the
 * oldest go first.
 */
public final class CachingTokenReviewer implements TokenReviewer {
  /** How long an accepted token is trusted without another review. */
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(1);
  /** How long a refusal is remembered. */
  public static final Duration DEFAULT_REFUSAL_TTL = Duration.ofSeconds(5);
  private static final int MAX_ENTRIES = 10_000;

  private record Answer(Optional<String> user, Instant expires) {}

  private final TokenReviewer delegate;
  private final Duration ttl;
  private final Duration refusalTtl;
  private final Clock clock;
  private final int maxEntries;
  private final Map<String, Answer> answers = new LinkedHashMap<>();

  /**
   * @param delegate makes the actual reviews
   * @param ttl how long an accepted token's user is reused
   * @param refusalTtl how long a refusal is reused
   * @param clock tells the time (tests advance it)
   */
  public CachingTokenReviewer(TokenReviewer delegate, Duration ttl, Duration refusalTtl, Clock clock) {
    this(delegate, ttl, refusalTtl, clock, MAX_ENTRIES);
  }

  CachingTokenReviewer(TokenReviewer delegate, Duration ttl, Duration refusalTtl, Clock clock, int maxEntries) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.ttl = positive(ttl, "ttl");
    this.refusalTtl = positive(refusalTtl, "refusalTtl");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxEntries = maxEntries;
  }

  /** {@link #DEFAULT_TTL} and {@link #DEFAULT_REFUSAL_TTL} on the system clock. */
  public static CachingTokenReviewer of(TokenReviewer delegate) {
    return new CachingTokenReviewer(delegate, DEFAULT_TTL, DEFAULT_REFUSAL_TTL, Clock.systemUTC());
  }

  @Override
  public Optional<String> review(String token) {
    String key = sha256(token);
    Instant now = clock.instant();
    synchronized (answers) {
      Answer known = answers.get(key);
      if (known != null && now.isBefore(known.expires())) {
        return known.user();
      }
    }
    // Reviewed outside the lock: a slow API server must not hold up other tokens' cache hits.
    Optional<String> user = delegate.review(token);
    Instant expires = now.plus(user.isPresent() ? ttl : refusalTtl);
    synchronized (answers) {
      answers.remove(key);
      answers.put(key, new Answer(user, expires));
      evict(now);
    }
    return user;
  }

  /** How many answers are held (tests). */
  int size() {
    synchronized (answers) {
      return answers.size();
    }
  }

  private void evict(Instant now) {
    answers.values().removeIf(a -> !now.isBefore(a.expires()));
    Iterator<String> oldest = answers.keySet().iterator();
    while (answers.size() > maxEntries && oldest.hasNext()) {
      oldest.next();
      oldest.remove();
    }
  }

  private static Duration positive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
    return d;
  }

  private static String sha256(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
