package io.meshpilot.loadtest.client;

import java.util.List;

/**
 * One sidecar's side of the ADS protocol, without the transport: what to send when a stream opens
 * and in answer to each response. Pure, so it can be checked against canned responses.
 *
 * @param <Q> the request message (SotW or Delta)
 * @param <R> the response message
 */
interface AdsSession<Q, R> {
  /** The requests a new stream starts with (the first carries the node). */
  List<Q> open();

  /** Applies a response to the view and returns the ACK (or NACK) and any new subscriptions. */
  List<Q> onResponse(R response);

  /** The config this session keeps. */
  ProxyView view();

  /** Responses this session could not parse and NACKed. */
  int nacks();
}
