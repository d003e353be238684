package dev.chat.tools.bench;

/**
 * One simulated client: who it is, which room it joins, which server it talks to, and whether
 * it sends.
 *
 * @param index position among all clients of the run (0-based); also their set-up order
 * @param nick registered nick, unique to the run
 * @param room the one room it joins
 * @param roomSize members of that room, itself included (a message it sends is expected at
 *        {@code roomSize - 1} other members)
 * @param server where it connects
 * @param sender whether it sends messages
 */
record ClientSpec(int index, String nick, String room, int roomSize, ServerAddress server, boolean sender) {
}
