package io.meshpilot.registry.networking;

/** Istio's Percent: a percentage in [0, 100], fractions allowed. */
public record Percent(Double value) {}
