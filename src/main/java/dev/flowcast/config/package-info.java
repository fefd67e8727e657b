/** Every setting of contract §1 with its default, read once from MicroProfile Config and checked at start. */
package dev.flowcast.config;
