/**
 * Parley's wire model: native frames as sealed records, status and error enums, positions and
 * channel-name rules. Depends on Jackson only. Everything here is immutable and thread-safe.
 */
package io.parley.protocol;
