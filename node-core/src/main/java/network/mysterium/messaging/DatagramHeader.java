package network.mysterium.messaging;

/**
 * Reads a datagram's clear header (version, recipient, the length of the sealed part) straight from
 * its protobuf bytes: the screen that every datagram from the Internet passes on the receive
 * thread, so it neither parses, allocates nor throws.
 */
final class DatagramHeader {
  private static final int VERSION_TAG = (1 << 3); // field 1, varint
  private static final int RECIPIENT_TAG = (2 << 3) | 2; // field 2, length-delimited
  private static final int SEALED_TAG = (3 << 3) | 2; // field 3, length-delimited
  private static final int ADDRESS_BYTES = 20;
  private static final int UNCOMPRESSED_POINT = 0x04;

  private DatagramHeader() {}

  /**
   * @return null when {@code datagram} is a version-1 datagram to {@code recipient} whose sealed
   *     part (at least {@code minSealed} bytes, starting with an uncompressed point) fits inside it
   */
  static Rejection check(byte[] datagram, byte[] recipient, int minSealed) {
    if (datagram.length > Messenger.MAX_DATAGRAM_BYTES) {
      return Rejection.OVERSIZE;
    }
    int at = 0;
    if (datagram.length < 4 + ADDRESS_BYTES + 2
        || datagram[at++] != VERSION_TAG
        || datagram[at++] != Messenger.VERSION
        || datagram[at++] != RECIPIENT_TAG
        || datagram[at++] != ADDRESS_BYTES) {
      return Rejection.MALFORMED;
    }
    int differs = 0;
    for (int i = 0; i < ADDRESS_BYTES; i++) {
      differs |= datagram[at + i] ^ recipient[i];
    }
    at += ADDRESS_BYTES;
    if (differs != 0) {
      return Rejection.WRONG_RECIPIENT;
    }
    if (datagram[at++] != SEALED_TAG) {
      return Rejection.MALFORMED;
    }
    // The length is a varint; under MAX_DATAGRAM_BYTES it takes one or two bytes.
    int length = datagram[at] & 0x7f;
    if ((datagram[at++] & 0x80) != 0) {
      if (at >= datagram.length || (datagram[at] & 0x80) != 0) {
        return Rejection.MALFORMED;
      }
      length |= (datagram[at++] & 0x7f) << 7;
    }
    if (length < minSealed || length > datagram.length - at || datagram[at] != UNCOMPRESSED_POINT) {
      return Rejection.MALFORMED;
    }
    return null;
  }
}
