/**
 * The proxyless-gRPC flavour of LDS, RDS, CDS and EDS (reference istio-xds.md §5), for nodes whose
 * metadata says {@code GENERATOR: grpc}. grpc-java's xDS client asks for every type by name and
 * validates strictly, so these generators build only what was named and only fields gRPC accepts:
 * API listeners {@code <host>:<port>} that point at RDS {@code outbound|<port>||<host>}, inbound
 * listeners for {@code XdsServerBuilder} servers, plain EDS clusters, and endpoints whose localities
 * always carry a weight.
 */
package io.meshpilot.xds.grpc;
