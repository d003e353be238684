package dev.chat.client;

import dev.chat.client.net.ServerAddress;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --server host:port}. */
public final class ServerAddressConverter implements ITypeConverter<ServerAddress> {
    @Override
    public ServerAddress convert(String value) {
        try {
            return ServerAddress.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
