package network.mysterium.cli;

import network.mysterium.crypto.Address;
import network.mysterium.messaging.channel.Contact;

/** Another node, as the user names it: {@code ADDRESS@CONTACT}. */
public record Peer(Address address, Contact contact) {
  public static Peer parse(String text, String option) {
    int at = text.indexOf('@');
    if (at < 0) {
      throw new IllegalArgumentException(
          option + " takes ADDRESS@CONTACT, e.g. 0xAb...@udp://127.0.0.1:5000");
    }
    return new Peer(Address.parse(text.substring(0, at)), Contact.parse(text.substring(at + 1)));
  }
}
