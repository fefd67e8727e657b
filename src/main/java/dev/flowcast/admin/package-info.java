/** The admin console: its login, the Faces backing bean and the JSON its page polls; they only read snapshots. */
package dev.flowcast.admin;
