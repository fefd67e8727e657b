/**
 * Who may do what: client JWTs, topic patterns and subscribe-time authorization, the publish key, the admin.
 *
 * <p>The rules are plain Java with no Jakarta imports, so each is unit-tested without a container; they are
 * immutable and safe to share between threads. JWTs are checked with nimbus-jose-jwt, HS256 only. The one
 * container-facing class, {@link dev.flowcast.auth.AdminIdentityStore}, adapts {@link dev.flowcast.auth.AdminCredentials}
 * to Jakarta Security.
 */
package dev.flowcast.auth;
