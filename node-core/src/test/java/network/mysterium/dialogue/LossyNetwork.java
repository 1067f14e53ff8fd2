package network.mysterium.dialogue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import network.mysterium.messaging.channel.Channel;
import network.mysterium.messaging.channel.Contact;

/**
 * An in-process network of channels that loses, duplicates and reorders datagrams at the rates the
 * test sets (wireguard-go's bindtest in spirit): the dialogue layer's own adversary.
 */
final class LossyNetwork implements AutoCloseable {
  final Impairment impairment;
  private final Map<Contact, Endpoint> endpoints = new ConcurrentHashMap<>();
  private int nextHost = 1;

  LossyNetwork(double loss, double duplication, int maxDelayMillis) {
    this.impairment = new Impairment(loss, duplication, maxDelayMillis, 42);
  }

  synchronized Channel channel() {
    try {
      Contact contact =
          new Contact(
              "udp", new InetSocketAddress(InetAddress.getByName("192.0.2." + nextHost++), 5000));
      Endpoint endpoint = new Endpoint(contact);
      endpoints.put(contact, endpoint);
      return endpoint;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private void transmit(Contact from, Contact to, byte[] datagram) {
    Endpoint target = endpoints.get(to);
    if (target != null) {
      byte[] copy = datagram.clone();
      impairment.carry(() -> target.inbox.execute(() -> target.deliver(copy, from)));
    }
  }

  @Override
  public void close() {
    impairment.close();
  }

  private final class Endpoint implements Channel {
    private final Contact contact;

    /** Each endpoint receives on its own thread, as a socket's reader would. */
    private final java.util.concurrent.ExecutorService inbox = Executors.newSingleThreadExecutor();

    private volatile Receiver receiver;
    private volatile boolean open = true;

    Endpoint(Contact contact) {
      this.contact = contact;
    }

    @Override
    public Contact localContact() {
      return contact;
    }

    @Override
    public void start(Receiver receiver) {
      this.receiver = receiver;
    }

    void deliver(byte[] datagram, Contact from) {
      Receiver current = receiver;
      if (open && current != null) {
        current.receive(datagram, from);
      }
    }

    @Override
    public void send(Contact to, byte[] datagram) {
      if (open) {
        transmit(contact, to, datagram);
      }
    }

    @Override
    public void close() {
      open = false;
      endpoints.remove(contact);
      inbox.shutdownNow();
    }
  }
}
