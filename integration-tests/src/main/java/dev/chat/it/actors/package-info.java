/**
 * Test-only programs run inside the integration tests' LAN (the {@code lab} container, with the
 * product's own JRE image): bad actors that attack a server and a probe that measures what a
 * well-behaved user sees meanwhile. Each takes its target and bounds on the command line, stops
 * by itself, and prints one JSON line of results on stdout for the test to assert on.
 */
package dev.chat.it.actors;
