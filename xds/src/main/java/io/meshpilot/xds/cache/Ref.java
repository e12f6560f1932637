package io.meshpilot.xds.cache;

/**
 * A cache-key component that compares by identity: registry objects (a Service, an endpoint list)
 * are immutable and replaced when they change, so identity says "the same input" at the cost of
 * one pointer comparison, where their deep {@code equals} would walk every field on every read.
 */
public final class Ref<T> {
  private final T value;

  private Ref(T value) {
    this.value = value;
  }

  public static <T> Ref<T> to(T value) {
    return new Ref<>(value);
  }

  public T value() {
    return value;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Ref<?> ref && ref.value == value;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(value);
  }

  @Override
  public String toString() {
    return "Ref[" + value.getClass().getSimpleName() + "@" + Integer.toHexString(hashCode()) + "]";
  }
}
