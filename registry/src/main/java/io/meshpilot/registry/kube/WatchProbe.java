package io.meshpilot.registry.kube;

import java.time.Duration;

/**
 * How a {@link SupervisedInformer} tells a deaf watch from a live one of a kind that does not change.
 *
 * @param probeAfter how long its resourceVersion may stay put while another informer's moves before it is probed
 * @param silenceTimeout how long after a probe its resourceVersion may stay put before it is rebuilt
 * @param probe a consistent read of one object of the informer's kind and scope (blocking; run off the checks' thread)
 */
record WatchProbe(Duration probeAfter, Duration silenceTimeout, Runnable probe) {}
