package dev.chat.tools.impair;

/**
 * What the relay did so far (counts are cumulative since start). {@link #line()} is the report
 * line written to stderr on exit, on SIGUSR1 and every {@code --report}.
 *
 * @param config      the relay's configuration
 * @param forward     client to {@code --forward}
 * @param reply       {@code --forward} back to the client
 * @param flows       UDP mappings or TCP connections opened so far
 * @param openFlows   of which open now
 * @param refused     TCP connections refused (over {@code --max-flows}) or UDP mappings evicted to make room
 * @param failedFlows TCP connections whose connect to {@code --forward} failed
 */
public record ImpairReport(ImpairConfig config, DirectionReport forward, DirectionReport reply,
        long flows, long openFlows, long refused, long failedFlows) {

    /** One line: {@code impair udp seed=.. mappings=.. | forward: ... | reply: ...}. */
    public String line() {
        if (config.udp()) {
            return "impair udp seed=" + config.seed() + " mappings=" + flows + " open=" + openFlows + " evicted=" + refused
                    + " | forward: " + forward.udpLine() + " | reply: " + reply.udpLine();
        }
        return "impair tcp seed=" + config.seed() + " connections=" + flows + " open=" + openFlows + " refused=" + refused
                + " failed=" + failedFlows + " | forward: " + forward.tcpLine() + " | reply: " + reply.tcpLine();
    }
}
