package io.meshpilot.registry;

/** Receives registry changes; called on the updating thread, so it must only record or enqueue. */
@FunctionalInterface
public interface RegistryListener {
  void onChange(RegistryChange change);
}
