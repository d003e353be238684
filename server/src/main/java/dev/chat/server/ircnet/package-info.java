/**
 * The IRC listener ({@code --irc-port}, docs/IRC.md): the IRC translator of
 * {@link dev.chat.server.irc} put on a port as one more {@link dev.chat.server.core.Transport} of
 * the chat core. Lines come in through a bounded {@link dev.chat.server.irc.IrcLineReader}, the
 * translator turns them into the core's typed requests (the same rules, limits and errors as the
 * framed port), and the core's replies and fan-out come back as IRC lines.
 *
 * <ul>
 *   <li>{@link dev.chat.server.ircnet.IrcTransport}: accept, one listener per event loop, and
 *       Vert.x's shutdown sequence ({@code ERROR :Closing link: server shutting down});</li>
 *   <li>{@link dev.chat.server.ircnet.IrcConnection}: one socket, the Netty handler between the
 *       bytes and the translator's {@link dev.chat.server.irc.IrcSession}; bounded output;</li>
 *   <li>{@link dev.chat.server.ircnet.IrcFormat}, {@link dev.chat.server.ircnet.IrcFanout}: the
 *       IRC lines format and its output per loop, which renders a fanned-out event once per
 *       capability set ({@link dev.chat.server.irc.RenderCache});</li>
 *   <li>{@link dev.chat.server.ircnet.CoreHooks}: what the translator asks of the core.</li>
 * </ul>
 */
package dev.chat.server.ircnet;
