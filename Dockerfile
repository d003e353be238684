# The chat image: the server (entrypoint), plus the client and tools jars for
# `docker compose run client ...`. It copies the jars Maven built, so build them first:
#
#   mvn -B package -DskipTests && docker build -t chat:local .
#
# BASE_IMAGE is any Java 17+ runtime image with a `java` on PATH and `sh` (for the health
# check, which uses wget or curl, whichever the image has). Where no registry can be reached,
# build one from the local JDK (a jlink JRE + busybox, no download) and pass it:
#
#   integration-tests/docker/build-base-image.sh chat-base:local target/chat-base server/target/chat-server.jar
#   docker build --build-arg BASE_IMAGE=chat-base:local -t chat:local .
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE}

COPY server/target/chat-server.jar client-cli/target/chat-client.jar tools/target/chat-tools.jar /opt/chat/

# Every server option is also a CHAT_* variable (see ./chat server --help).
ENV CHAT_HOST=0.0.0.0
EXPOSE 7420/tcp 7421/udp 7422/tcp 7443/tcp 7444/tcp 6667/tcp 6697/tcp 5701/tcp

# Not root; the server needs no privileges (ports above 1024, /tmp for Vert.x's file cache).
USER 65534:65534
WORKDIR /tmp
# nobody's home is /nonexistent: the client keeps known_servers (TLS trust on first use) here
ENV XDG_CONFIG_HOME=/tmp/.config

HEALTHCHECK --interval=5s --timeout=3s --start-period=120s --retries=3 \
    CMD wget -q -O /dev/null "http://127.0.0.1:${CHAT_HTTP_PORT:-7422}/health" \
        || curl -fsS -m 2 -o /dev/null "http://127.0.0.1:${CHAT_HTTP_PORT:-7422}/health" || exit 1

# The same JVM options as ./chat server: IPv4 sockets, the JDK's resolver (container DNS),
# and the opens Hazelcast asks for. Heap and other JVM flags: set JDK_JAVA_OPTIONS.
ENTRYPOINT ["java", "-Djava.net.preferIPv4Stack=true", "-Dvertx.disableDnsResolver=true", \
    "--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", \
    "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", \
    "--add-opens", "java.management/sun.management=ALL-UNNAMED", \
    "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED", \
    "-jar", "/opt/chat/chat-server.jar"]
