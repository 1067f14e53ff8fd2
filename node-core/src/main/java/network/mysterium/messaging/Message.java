package network.mysterium.messaging;

import network.mysterium.crypto.Address;

/** A received, authenticated message: who sent it, what it is, and its payload. */
public record Message(
    Address sender,
    Address recipient,
    byte[] messageId,
    long timestampMillis,
    String type,
    byte[] payload) {}
