/**
 * The ServiceEntry registry as pure functions: {@link io.meshpilot.registry.serviceentry.ServiceEntryParser}
 * turns a Kubernetes object into a {@link io.meshpilot.registry.serviceentry.ServiceEntry},
 * {@link io.meshpilot.registry.serviceentry.ServiceEntryValidator} applies istiod's rules,
 * {@link io.meshpilot.registry.serviceentry.ServiceEntryConverter} produces model services and endpoints,
 * {@link io.meshpilot.registry.serviceentry.VipAutoAllocator} gives hostnames without an address (and without one in the
 * entry's status, {@link io.meshpilot.registry.serviceentry.StatusVips}) a VIP, and
 * {@link io.meshpilot.registry.serviceentry.HostnameConflicts} picks one service per hostname and namespace.
 */
package io.meshpilot.registry.serviceentry;
