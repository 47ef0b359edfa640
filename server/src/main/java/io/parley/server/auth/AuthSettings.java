package io.parley.server.auth;

/**
 * How tokens map to rights: the claims that list channel patterns, the role names, and what a
 * connection without a token gets. Immutable and thread-safe.
 *
 * @param subscribeClaim the claim listing channel patterns the token may subscribe to
 * @param publishClaim the claim listing channel patterns the token may publish to
 * @param publisherRole the {@code groups} entry that lets a backend publish anywhere
 * @param adminRole the {@code groups} entry for admin operations
 * @param clockSkew how long past its {@code exp} a token still counts as valid
 * @param anonymous the identity of a connection without a token, or {@code null} when a token is
 *     required
 */
public record AuthSettings(
    String subscribeClaim,
    String publishClaim,
    String publisherRole,
    String adminRole,
    java.time.Duration clockSkew,
    Identity anonymous) {}
