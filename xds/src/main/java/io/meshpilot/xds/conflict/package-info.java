/**
 * Conflicts found while generating config: two objects that want the same domain of a route, the
 * same listener chain or the same cluster name. Generators resolve them (the first in their
 * deterministic order wins) and report the loser here, so one bad object cannot make Envoy reject
 * a resource every proxy shares; {@code /debug/rejectedz} lists what was dropped.
 */
package io.meshpilot.xds.conflict;
