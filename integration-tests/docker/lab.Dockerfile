# The lab host of the integration tests: the chat image (server, client and tools jars, the
# same JRE) plus the test-only actors jar (bad clients, probes) under /opt/chat-it.
ARG CHAT_IMAGE
FROM ${CHAT_IMAGE}
COPY chat-it-actors.jar /opt/chat-it/chat-it-actors.jar
