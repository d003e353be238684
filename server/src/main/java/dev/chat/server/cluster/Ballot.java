package dev.chat.server.cluster;

/**
 * The term a room's owner sequences under: its epoch, then its node id to break ties. Ballots are
 * totally ordered and each is used by one node only, so two owners never write the same version
 * of a room under the same ballot. A node follows the highest ballot it has promised (in a
 * {@code sync}) or seen in the owner's snapshot, and refuses events of lower ones.
 */
final class Ballot {
    private Ballot() {
    }

    /** Negative, zero or positive as ballot (e1, o1) is lower than, equal to or higher than (e2, o2). */
    static int compare(long e1, String o1, long e2, String o2) {
        int c = Long.compare(e1, e2);
        if (c != 0) {
            return c;
        }
        return o1 == null ? (o2 == null ? 0 : -1) : o2 == null ? 1 : o1.compareTo(o2);
    }
}
