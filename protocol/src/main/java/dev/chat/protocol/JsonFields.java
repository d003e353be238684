package dev.chat.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Typed, validating access to the fields of one received object. Every failure is an
 * {@link InvalidMessageException} naming the field and carrying the request's id, so the
 * handlers of the command table never see a malformed message.
 */
final class JsonFields {
    private final ObjectNode node;
    private final String type;
    private final Object id;

    JsonFields(ObjectNode node, String type, Object id) {
        this.node = node;
        this.type = type;
        this.id = id;
    }

    Object id() {
        return id;
    }

    InvalidMessageException invalid(String message) {
        return new InvalidMessageException(type + ": " + message, id);
    }

    String string(String field) throws InvalidMessageException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw invalid("'" + field + "' is missing");
        }
        if (!v.isTextual()) {
            throw invalid("'" + field + "' must be a string");
        }
        return v.textValue();
    }

    String optionalString(String field) throws InvalidMessageException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw invalid("'" + field + "' must be a string");
        }
        return v.textValue();
    }

    String nick(String field) throws InvalidMessageException {
        String nick = string(field);
        if (!Names.isValidNick(nick)) {
            throw invalid("'" + field + "' must be 1 to 32 of A-Z a-z 0-9 _ -");
        }
        return nick;
    }

    String room(String field) throws InvalidMessageException {
        String room = Names.normalizeRoom(string(field));
        if (room == null) {
            throw invalid("'" + field + "' must be an optional # and 1 to 64 of A-Z a-z 0-9 _ - .");
        }
        return room;
    }

    String text(String field) throws InvalidMessageException {
        String text = string(field);
        if (!Names.isValidText(text)) {
            throw invalid("'" + field + "' must be 1 to 4000 Unicode code points");
        }
        return text;
    }

    /** A password: a string of 1 to {@link Names#MAX_PASSWORD_BYTES} bytes of UTF-8. */
    String password(String field) throws InvalidMessageException {
        String p = string(field);
        if (!Names.isValidPassword(p)) {
            throw invalid("'" + field + "' must be 1 to " + Names.MAX_PASSWORD_BYTES + " bytes of UTF-8");
        }
        return p;
    }

    /** An optional password ({@link #password}); absent or null is null. */
    String optionalPassword(String field) throws InvalidMessageException {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : password(field);
    }

    /** An optional reason ({@link Names#isValidReason}). */
    String optionalReason(String field) throws InvalidMessageException {
        String reason = optionalString(field);
        if (reason != null && !Names.isValidReason(reason)) {
            throw invalid("'" + field + "' must be at most " + Names.MAX_REASON + " Unicode code points");
        }
        return reason;
    }

    /** An optional topic ({@link Names#isValidTopic}): absent or null is null, {@code ""} is kept. */
    String optionalTopic(String field) throws InvalidMessageException {
        String topic = optionalString(field);
        if (topic != null && !Names.isValidTopic(topic)) {
            throw invalid("'" + field + "' must be at most " + Names.MAX_TOPIC + " Unicode code points");
        }
        return topic;
    }

    /** A ban mask ({@link Names#isValidMask}). */
    String mask(String field) throws InvalidMessageException {
        String mask = string(field);
        if (!Names.isValidMask(mask)) {
            throw invalid("'" + field + "' must be 1 to " + Names.MAX_MASK + " of A-Z a-z 0-9 _ - and the wildcards * ?");
        }
        return mask;
    }

    /** An optional boolean that stays null when absent. */
    Boolean optionalBoolean(String field) throws InvalidMessageException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw invalid("'" + field + "' must be true or false");
        }
        return v.booleanValue();
    }

    /** An optional array of strings: absent or null is empty. */
    List<String> optionalStrings(String field) throws InvalidMessageException {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? List.of() : strings(field);
    }

    /** An optional boolean: absent or null is false. */
    boolean optionalFlag(String field) throws InvalidMessageException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw invalid("'" + field + "' must be true or false");
        }
        return v.booleanValue();
    }

    long integer(String field, long min, long max) throws InvalidMessageException {
        Long v = optionalInteger(field, min, max);
        if (v == null) {
            throw invalid("'" + field + "' is missing");
        }
        return v;
    }

    Long optionalInteger(String field, long min, long max) throws InvalidMessageException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw invalid("'" + field + "' must be an integer");
        }
        long n = v.longValue();
        if (n < min || n > max) {
            throw invalid("'" + field + "' must be between " + min + " and " + max);
        }
        return n;
    }

    double number(String field) throws InvalidMessageException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw invalid("'" + field + "' is missing");
        }
        // 1e400 parses as infinity, which JSON cannot carry back out
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw invalid("'" + field + "' must be a finite number");
        }
        return v.doubleValue();
    }

    String oneOf(String field, String... allowed) throws InvalidMessageException {
        String v = string(field);
        for (String a : allowed) {
            if (a.equals(v)) {
                return v;
            }
        }
        throw invalid("'" + field + "' must be one of " + String.join(", ", allowed));
    }

    List<String> strings(String field) throws InvalidMessageException {
        return list(field, e -> e.isTextual() ? e.textValue() : null, "strings");
    }

    /** A list whose elements {@code map} converts, returning null for a malformed element. */
    <T> List<T> list(String field, Function<JsonNode, T> map, String what) throws InvalidMessageException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw invalid("'" + field + "' is missing");
        }
        if (!v.isArray()) {
            throw invalid("'" + field + "' must be an array of " + what);
        }
        List<T> out = new ArrayList<>(v.size());
        for (JsonNode e : v) {
            T t = map.apply(e);
            if (t == null) {
                throw invalid("'" + field + "' must be an array of " + what);
            }
            out.add(t);
        }
        return out;
    }

    JsonFields object(JsonNode e, String nestedType) {
        return e instanceof ObjectNode o ? new JsonFields(o, nestedType, id) : null;
    }
}
