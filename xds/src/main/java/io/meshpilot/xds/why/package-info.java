/**
 * {@code meshpilot why}: where a change to one hostname stands in the pipeline for one proxy —
 * registry (which object, since when), visibility (what it yields for the proxy), push (which push
 * carried it) and proxy (sent, ACKed or NACKed per xDS type). Built on demand from what each stage
 * already owns; the only history kept is the last change and push per hostname.
 */
package io.meshpilot.xds.why;
