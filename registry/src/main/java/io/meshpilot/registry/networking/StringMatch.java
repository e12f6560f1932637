package io.meshpilot.registry.networking;

/** Istio's StringMatch: exactly one of exact, prefix or regex (RE2) is set. */
public record StringMatch(String exact, String prefix, String regex) {}
