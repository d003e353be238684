package dev.chat.server.store;

/**
 * An account as stored: the nick it owns (compared by {@code nickKey}, lower case; {@code nick} as
 * registered), the password's Argon2id hash with its salt and parameters, and when it was made.
 * Never the password.
 */
public record StoredAccount(String nickKey, String nick, String hash, long created) {

    @Override
    public String toString() {
        return "StoredAccount[" + nick + "]"; // the hash stays out of logs too
    }
}
