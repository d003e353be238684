/**
 * The IRC side of the chat server, without sockets or Vert.x: an IRC connection translated to
 * and from the chat protocol's typed messages, so that IRC clients (irssi, WeeChat, HexChat,
 * bots, {@code nc}) join the same rooms as the framed-protocol clients. docs/IRC.md describes
 * what works and how IRC maps onto the chat.
 *
 * <ul>
 *   <li>{@link dev.chat.server.irc.IrcLine}, {@link dev.chat.server.irc.IrcLineReader}: the wire
 *       format (tags, source, command, parameters) and the bounded line reader;</li>
 *   <li>{@link dev.chat.server.irc.IrcSession}: one connection's state machine; commands in,
 *       {@link dev.chat.protocol.ClientMessage}s out, {@link dev.chat.protocol.ServerMessage}s
 *       in, lines out;</li>
 *   <li>{@link dev.chat.server.irc.IrcHooks}, {@link dev.chat.server.irc.IrcOutput}: what the
 *       transport adapter provides (the core, the socket);</li>
 *   <li>{@link dev.chat.server.irc.RenderCache}: a fanned-out event rendered once per distinct
 *       capability set;</li>
 *   <li>{@link dev.chat.server.irc.Numeric}, {@link dev.chat.server.irc.Capability},
 *       {@link dev.chat.server.irc.IrcServerInfo}: numerics, IRCv3 capabilities, and what the
 *       server advertises ({@code RPL_ISUPPORT}).</li>
 * </ul>
 */
package dev.chat.server.irc;
