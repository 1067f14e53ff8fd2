package network.mysterium.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import network.mysterium.conversation.proto.Exchange;
import network.mysterium.conversation.proto.Note;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.crypto.PublicKey;
import network.mysterium.dialogue.Dialogue;
import network.mysterium.dialogue.DialogueConfig;
import network.mysterium.dialogue.Dialogues;
import network.mysterium.messaging.Messenger;
import network.mysterium.messaging.channel.Channels;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.payments.proto.PaymentProposal;
import network.mysterium.payments.proto.SignedPromise;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Requests, answers, notices and bad input over a real dialogue (UDP on loopback). */
class ConversationTest {
  private final SecureRandom random = new SecureRandom();
  private final Map<Address, PublicKey> keys = new ConcurrentHashMap<>();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<Conversation> served = new CopyOnWriteArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable r : resources.reversed()) {
      r.close();
    }
  }

  private Dialogues node(Conversation.Services services) throws Exception {
    PrivateKey key = PrivateKey.generate(random);
    resources.add(key);
    keys.put(key.address(), key.publicKey());
    Dialogues dialogues =
        new Dialogues(
                new Messenger(
                    key,
                    id -> Optional.ofNullable(keys.get(id)),
                    true,
                    Duration.ofSeconds(30),
                    Clock.systemUTC(),
                    random),
                Channels.listen(Contact.parse("udp://127.0.0.1:0")),
                DialogueConfig.DEFAULT,
                peer -> {
                  Conversation c = new Conversation(services);
                  served.add(c);
                  return c;
                })
            .start();
    resources.add(dialogues);
    return dialogues;
  }

  @Test
  void garbageIsCountedAndDroppedAndTheConversationGoesOn() throws Exception {
    List<String> notes = new CopyOnWriteArrayList<>();
    Dialogues server =
        node(
            Conversation.Services.none()
                .with(
                    Exchange.BodyCase.NOTE,
                    (dialogue, message) -> {
                      notes.add(message.getNote().getText());
                      return Exchange.newBuilder()
                          .setNote(
                              Note.newBuilder().setText("echo " + message.getNote().getText()));
                    }));
    Dialogues client = node(Conversation.Services.none());
    Conversation conversation = new Conversation(Conversation.Services.none());
    Dialogue dialogue =
        client.open(server.address(), server.contact(), conversation).get(10, TimeUnit.SECONDS);
    conversation.on(dialogue);

    dialogue.send(new byte[] {(byte) 0xff, 0x01, 0x02}).get(5, TimeUnit.SECONDS); // not protobuf
    Exchange answer =
        conversation
            .request(
                Exchange.newBuilder().setNote(Note.newBuilder().setText("still there?")),
                Duration.ofSeconds(5))
            .join();
    assertThat(answer.getNote().getText()).isEqualTo("echo still there?");
    assertThat(served).singleElement().satisfies(c -> assertThat(c.malformedCount()).isEqualTo(1));
    assertThat(notes).containsExactly("still there?");
  }

  @Test
  void aMalformedRequestIsRefusedWithWhatIsWrongNotSilence() throws Exception {
    Dialogues server =
        node(
            Conversation.Services.none()
                .with(
                    Exchange.BodyCase.PAYMENT_PROPOSAL,
                    (dialogue, message) -> {
                      // a malformed promise (a 3-byte address) reaches the service's decoder
                      network.mysterium.payments.PromiseMessages.decode(
                          message.getPaymentProposal().getPromise());
                      return null;
                    }));
    Dialogues client = node(Conversation.Services.none());
    Conversation conversation = new Conversation(Conversation.Services.none());
    conversation.on(
        client.open(server.address(), server.contact(), conversation).get(10, TimeUnit.SECONDS));
    assertThatThrownBy(
            () ->
                conversation
                    .request(
                        Exchange.newBuilder()
                            .setPaymentProposal(
                                PaymentProposal.newBuilder()
                                    .setPromise(
                                        SignedPromise.newBuilder()
                                            .setIssuer(ByteString.copyFrom(new byte[3])))),
                        Duration.ofSeconds(5))
                    .join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(Conversation.RefusedException.class)
        .hasMessage("malformed PAYMENT_PROPOSAL: an address has 20 bytes, got 3");
  }
}
