package dev.chat.server.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes an object between verticles of one JVM by reference: no copy, no serialisation. Only
 * immutable objects, or objects whose ownership moves with the message, are sent this way.
 */
public final class LocalCodec implements MessageCodec<Object, Object> {
    public static final String NAME = "chat-local";
    /** Delivery options for local object messages. */
    public static final DeliveryOptions LOCAL = new DeliveryOptions().setCodecName(NAME).setLocalOnly(true);

    @Override
    public void encodeToWire(Buffer buffer, Object o) {
        throw new UnsupportedOperationException("local objects never go on the wire: " + o.getClass());
    }

    @Override
    public Object decodeFromWire(int pos, Buffer buffer) {
        throw new UnsupportedOperationException("local objects never come from the wire");
    }

    @Override
    public Object transform(Object o) {
        return o;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte systemCodecID() {
        return -1;
    }
}
