package io.meshpilot.registry.networking;

/** Istio's Destination: a registry host (FQDN or short name), an optional subset and port. */
public record Destination(String host, String subset, PortSelector port) {}
