/**
 * Who may do what: client JWTs, topic patterns and subscribe-time authorization, the publish key.
 *
 * <p>Plain Java with no Jakarta imports, so every rule is unit-tested without a container; everything here is
 * immutable and safe to share between threads. JWTs are checked with nimbus-jose-jwt, HS256 only.
 */
package dev.flowcast.auth;
