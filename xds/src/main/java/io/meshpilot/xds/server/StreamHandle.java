package io.meshpilot.xds.server;

/**
 * What meshpilot knows about one gRPC stream from its transport, before any request is read.
 *
 * @param peer the client's address as {@code ip:port}
 */
record StreamHandle(String peer) {}
