package dev.chat.server;

import dev.chat.testsupport.ChatClient;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage.Join;
import dev.chat.protocol.ClientMessage.Part;
import dev.chat.protocol.ClientMessage.Say;
import io.vertx.core.json.JsonObject;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** /health and /metrics as an operator's monitoring sees them. */
@Timeout(120)
class HttpTest {
    private ServerFixture fx;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        fx = ServerFixture.start();
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fx.server.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long metric(String body, String name) {
        return body.lines().filter(l -> l.startsWith(name + " ")).mapToLong(l -> (long) Double.parseDouble(l.substring(name.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(name + " missing in:\n" + body));
    }

    @Test
    void healthCountsConnections() throws Exception {
        HttpResponse<String> r = get("/health");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject h = new JsonObject(r.body());
        assertThat(h.getString("status")).isEqualTo("up");
        assertThat(h.getString("node")).isEqualTo(fx.server.nodeId());
        assertThat(h.getInteger("connections")).isZero();
        try (ChatClient c = ChatClient.registered(fx.port(), "alice")) {
            assertThat(new JsonObject(get("/health").body()).getInteger("connections")).isEqualTo(1);
        }
        assertThat(get("/nope").statusCode()).isEqualTo(404);
    }

    @Test
    void metricsMoveWithTraffic() throws Exception {
        String before = get("/metrics").body();
        assertThat(get("/metrics").headers().firstValue("content-type").orElse("")).startsWith("text/plain");
        try (ChatClient a = ChatClient.registered(fx.port(), "a");
             ChatClient b = ChatClient.registered(fx.port(), "b")) {
            a.request(id -> new Join(id, "r"));
            b.request(id -> new Join(id, "r"));
            a.request(id -> new Say(id, "r", "one"));
            a.sendJson("[]");
            a.next();
            String after = get("/metrics").body();
            assertThat(metric(after, "chat_connections")).isEqualTo(2);
            assertThat(metric(after, "chat_frames_in_total")).isGreaterThan(metric(before, "chat_frames_in_total"));
            assertThat(metric(after, "chat_bytes_out_total")).isGreaterThan(metric(before, "chat_bytes_out_total"));
            assertThat(metric(after, "chat_messages_delivered_total")).isEqualTo(2); // to a and to b
            assertThat(after).contains("chat_errors_total{code=\"bad_json\"} 1");
            assertThat(after).contains("# TYPE chat_frames_out_total counter");
        }
    }

    @Test
    void metricsCountRoomsMembersAndSessions() throws Exception {
        String empty = get("/metrics").body();
        assertThat(metric(empty, "chat_rooms")).isZero();
        assertThat(metric(empty, "chat_room_members")).isZero();
        assertThat(metric(empty, "chat_sessions")).isZero();
        try (ChatClient a = ChatClient.registered(fx.port(), "a");
             ChatClient b = ChatClient.registered(fx.port(), "b")) {
            a.request(id -> new Join(id, "one"));
            a.request(id -> new Join(id, "two"));
            b.request(id -> new Join(id, "one"));
            // 2 rooms, 3 memberships (a twice, b once), 2 registered sessions
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                String body = get("/metrics").body();
                assertThat(metric(body, "chat_rooms")).isEqualTo(2);
                assertThat(metric(body, "chat_room_members")).isEqualTo(3);
                assertThat(metric(body, "chat_sessions")).isEqualTo(2);
            });
            b.request(id -> new Part(id, "one"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(metric(get("/metrics").body(), "chat_room_members")).isEqualTo(2));
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String body = get("/metrics").body();
            assertThat(metric(body, "chat_rooms")).isZero();
            assertThat(metric(body, "chat_sessions")).isZero();
        });
    }

    @Test
    void metricsMeasureHowLateTheEventLoopsRun() throws Exception {
        // every loop is probed a few times a second: the count grows, delays are never negative
        long loops = Math.max(2, Runtime.getRuntime().availableProcessors() * 2);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(metric(get("/metrics").body(), "chat_event_loop_delay_seconds_count")).isGreaterThanOrEqualTo(loops));
        String body = get("/metrics").body();
        assertThat(body).contains("# TYPE chat_event_loop_delay_seconds histogram",
                "chat_event_loop_delay_seconds_bucket{le=\"0.001\"}", "chat_event_loop_delay_seconds_bucket{le=\"+Inf\"}");
        assertThat(seconds(body, "chat_event_loop_delay_seconds_max")).isGreaterThanOrEqualTo(0).isLessThan(5);
        assertThat(seconds(body, "chat_event_loop_delay_seconds_sum")).isGreaterThanOrEqualTo(0);
    }

    private static double seconds(String body, String name) {
        return body.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(l.substring(name.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(name + " missing in:\n" + body));
    }

    @Test
    void metricsCoverTheJvmAndShowEveryLabelFromTheStart() throws Exception {
        String body = get("/metrics").body();
        // an error no one has caused yet is already there, at 0: a rate() over it works from the start
        assertThat(body).contains("chat_errors_total{code=\"room_full\"} 0", "chat_beacons_dropped_total{reason=\"oversized\"} 0");
        // what an operator's dashboard reads about the JVM and the process, from Micrometer
        assertThat(body).contains("jvm_memory_used_bytes{", "jvm_threads_live_threads ", "process_uptime_seconds ",
                "process_files_open_files ", "system_cpu_count ", "jvm_gc_");
        assertThat(body.lines().filter(l -> l.startsWith("chat_build_info{")).findFirst().orElseThrow())
                .matches("chat_build_info\\{version=\"[^\"]+\",java=\"[^\"]+\"} 1");
        // one family per name: no metric declared twice
        java.util.List<String> types = body.lines().filter(l -> l.startsWith("# TYPE ")).map(l -> l.split(" ")[2]).toList();
        assertThat(types).doesNotHaveDuplicates();
    }
}
