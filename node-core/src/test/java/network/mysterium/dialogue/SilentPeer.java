package network.mysterium.dialogue;

import com.google.protobuf.ByteString;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.messaging.Message;
import network.mysterium.messaging.Messenger;
import network.mysterium.messaging.RejectedDatagramException;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.messaging.channel.UdpChannel;
import network.mysterium.messaging.proto.DialogueFrame;
import network.mysterium.messaging.proto.DialogueFrames;
import network.mysterium.messaging.proto.EstablishAck;
import network.mysterium.messaging.proto.KeepAlive;

/**
 * A hostile peer speaking the dialogue protocol over real UDP: it acknowledges the establishment
 * and keeps the dialogue alive with keep-alives, but never acknowledges data.
 */
final class SilentPeer implements AutoCloseable {
  private final PrivateKey key = PrivateKey.generate(new SecureRandom());
  private final UdpChannel channel;
  private final Messenger messenger;
  private final ScheduledExecutorService keepAlives = Executors.newSingleThreadScheduledExecutor();
  private final AtomicReference<Contact> peerContact = new AtomicReference<>();
  private final AtomicReference<Address> peer = new AtomicReference<>();
  private final AtomicReference<ByteString> dialogueId = new AtomicReference<>();
  final AtomicInteger dataReceived = new AtomicInteger();

  SilentPeer(Peers peers) throws Exception {
    peers.register(key);
    channel = UdpChannel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    messenger =
        new Messenger(
            key,
            peers.directory(),
            true,
            Duration.ofSeconds(30),
            Clock.systemUTC(),
            new SecureRandom());
    channel.start(this::receive);
    keepAlives.scheduleWithFixedDelay(this::keepAlive, 50, 50, TimeUnit.MILLISECONDS);
  }

  Address address() {
    return key.address();
  }

  Contact contact() {
    return channel.localContact();
  }

  private void receive(byte[] datagram, Contact from) {
    try {
      Message message = messenger.open(datagram);
      DialogueFrames frames = DialogueFrames.parseFrom(message.payload());
      peer.set(message.sender());
      peerContact.set(from);
      dialogueId.set(frames.getDialogueId());
      for (DialogueFrame frame : frames.getFramesList()) {
        switch (frame.getKindCase()) {
          case ESTABLISH ->
              send(
                  DialogueFrame.newBuilder()
                      .setEstablishAck(EstablishAck.getDefaultInstance())
                      .build());
          case DATA -> dataReceived.incrementAndGet();
          default -> {}
        }
      }
    } catch (RejectedDatagramException | com.google.protobuf.InvalidProtocolBufferException e) {
      // not for us
    }
  }

  private void keepAlive() {
    if (peerContact.get() != null) {
      send(DialogueFrame.newBuilder().setKeepAlive(KeepAlive.getDefaultInstance()).build());
    }
  }

  private void send(DialogueFrame frame) {
    byte[] payload =
        DialogueFrames.newBuilder()
            .setDialogueId(dialogueId.get())
            .addFrames(frame)
            .build()
            .toByteArray();
    try {
      channel.send(peerContact.get(), messenger.seal(peer.get(), Dialogues.TYPE, payload));
    } catch (java.io.IOException e) {
      // the test sees the effect
    }
  }

  @Override
  public void close() {
    keepAlives.shutdownNow();
    channel.close();
    key.destroy();
  }
}
