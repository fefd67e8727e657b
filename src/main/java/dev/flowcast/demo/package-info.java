/** The built-in demo feed: live prices, a counter and a chat on {@code public:demo.*} topics. */
package dev.flowcast.demo;
