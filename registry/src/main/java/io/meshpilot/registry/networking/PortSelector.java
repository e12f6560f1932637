package io.meshpilot.registry.networking;

/** Istio's PortSelector: a port number ({@code null} when unset). */
public record PortSelector(Integer number) {}
