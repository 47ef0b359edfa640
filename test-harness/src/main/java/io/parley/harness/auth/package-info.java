/**
 * The harness's token authority: {@link io.parley.harness.auth.TestIssuer} makes a key pair, tells
 * a server started by the harness to trust it, and mints the JWTs the harness's clients, publishers
 * and load generator present. The server runs in its production profile with real token checks.
 */
package io.parley.harness.auth;
