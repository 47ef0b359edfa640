/**
 * Parley's Java client: {@link io.parley.client.ParleyClient} keeps one logical connection to a
 * Parley server alive across transports, delivers every channel's messages once and in order, and
 * queues publishes while offline; {@link io.parley.client.ParleyPublisher} publishes from backends
 * over plain HTTP. Everything in this package is public API; {@code io.parley.client.internal} may
 * change at any time. Parameters and return values are non-null unless documented otherwise.
 */
package io.parley.client;
