/**
 * The admin console: its login (an application filter on {@code /admin/*}, {@link dev.flowcast.admin.AdminLoginFilter},
 * deciding by {@link dev.flowcast.admin.ConsoleGate}; no container security, so no other request of the WAR pays for
 * it), the Faces backing beans and the JSON its page polls; they only read snapshots.
 */
package dev.flowcast.admin;
