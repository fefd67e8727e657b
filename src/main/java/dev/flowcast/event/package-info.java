/** The shared kernel: immutable events, topic names and patterns, event ids. No framework imports. */
package dev.flowcast.event;
