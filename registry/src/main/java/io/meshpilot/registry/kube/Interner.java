package io.meshpilot.registry.kube;

/**
 * A small, lossy string interner for label keys and values, which repeat across thousands of pods.
 * A fixed table of slots: a hit returns the shared instance, a miss replaces the slot. Memory stays
 * bounded and nothing leaks when labels churn; a lost race only costs a duplicate string.
 */
final class Interner {
  private static final int SLOTS = 1 << 12;
  private static final String[] TABLE = new String[SLOTS];

  private Interner() {}

  static String intern(String s) {
    if (s == null) {
      return null;
    }
    int h = s.hashCode();
    int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
    String cached = TABLE[slot];
    if (cached != null && cached.equals(s)) {
      return cached;
    }
    TABLE[slot] = s;
    return s;
  }
}
