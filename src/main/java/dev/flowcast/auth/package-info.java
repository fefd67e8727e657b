/**
 * Who may do what: client JWTs, topic patterns and subscribe-time authorization, the publish key, the admin.
 *
 * <p>The rules are plain Java with no Jakarta imports, so each is unit-tested without a container; they are
 * immutable and safe to share between threads. JWTs are checked with nimbus-jose-jwt, HS256 only.
 * {@link dev.flowcast.auth.AdminAuthenticator} holds the admin's {@link dev.flowcast.auth.AdminCredentials} and
 * {@link dev.flowcast.auth.LoginThrottle} for the application (a CDI bean, no servlet types): the console's login
 * filter and HTTP Basic on {@code /api/stats} both ask it.
 */
package dev.flowcast.auth;
