package network.mysterium.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import network.mysterium.chain.ChainWallet;
import network.mysterium.contracts.Deployer;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.contracts.MystTokenContract;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.conversation.Conversation;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.crypto.PublicKey;
import network.mysterium.dialogue.DialogueConfig;
import network.mysterium.dialogue.Dialogues;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.messaging.Messenger;
import network.mysterium.messaging.channel.Channels;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;
import network.mysterium.payments.ConsumerAccounts;
import network.mysterium.payments.IssuedPromises;
import network.mysterium.payments.Promises;
import network.mysterium.payments.ReceivedPromises;
import network.mysterium.service.PinnedTls;
import network.mysterium.service.socks.Socks5Backend;
import network.mysterium.service.socks.Socks5Exit;
import network.mysterium.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

/**
 * An application that stops reading (a paused video, a slow disk, a full pipe) while an honest
 * provider streams to it (issue 16 audit, G7): megabytes the provider has written sit in the data
 * connection's socket buffers, and the consumer must not take that for overbilling. A real provider
 * (exit, metering, ledgers, anvil) and a real consumer over loopback.
 */
@ExtendWith(AnvilExtension.class)
@EnabledOnOs(OS.LINUX) // the kernel's queue lengths are read where the kernel lists them
class StalledReaderTest {
  private static final BigInteger ETHER = BigInteger.TEN.pow(18);
  private static final long TOTAL = 48L * 1024 * 1024;
  private static final long STALL_AFTER = 4L * 1024 * 1024;
  // several lags of the bill check: what the audit saw lasted three seconds
  private static final long STALL_NANOS = 3 * BillCheck.LAG_NANOS;

  @TempDir Path temp;
  private final SecureRandom random = new SecureRandom();
  private final Map<Address, PublicKey> directory = new ConcurrentHashMap<>();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private EthereumClient client;
  private Promises promises;
  private PrivateKey consumer;
  private PrivateKey provider;
  private ServerSocket origin;
  private ServiceProposal proposal;

  @BeforeEach
  void setUp(Anvil anvil) throws Exception {
    client = EthereumClient.connect(anvil.rpcUrl());
    Credentials deployer = Credentials.create(Anvil.DEV_PRIVATE_KEYS.getFirst());
    Deployment deployment =
        Deployer.deploy(
            client,
            deployer,
            new Deployer.Parameters(
                ETHER.multiply(BigInteger.valueOf(1_000_000)), ETHER, deployer.getAddress(), 100));
    promises = Promises.of(deployment);
    consumer = key();
    provider = key();
    for (PrivateKey k : List.of(consumer, provider)) {
      anvil.setBalance(k.address().toString(), ETHER.multiply(BigInteger.TEN));
    }
    new MystTokenContract(client, deployment.token())
        .transfer(deployer, consumer.address().toString(), ETHER.multiply(BigInteger.TEN));
    new ChainWallet(client, deployment).deposit(consumer, consumer.address(), Myst.parse("2"));
    startOrigin();
    startProvider(new PaymentsContract(client, deployment.payments()));
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable r : resources.reversed()) {
      r.close();
    }
    origin.close();
    client.close();
  }

  /** The Internet's side: a server that streams {@link #TOTAL} bytes to whoever connects. */
  private void startOrigin() throws Exception {
    origin = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual()
        .start(
            () -> {
              while (!origin.isClosed()) {
                try (Socket s = origin.accept()) {
                  OutputStream out = s.getOutputStream();
                  byte[] chunk = new byte[64 * 1024];
                  for (long sent = 0; sent < TOTAL; sent += chunk.length) {
                    out.write(chunk);
                  }
                } catch (Exception e) {
                  // closed at the end of the test, or the client went away
                }
              }
            });
  }

  private void startProvider(PaymentsContract payments) throws Exception {
    Database providerDb = Database.open(temp.resolve("provider.db"));
    resources.add(providerDb);
    ReceivedPromises received =
        new ReceivedPromises(providerDb, promises, provider.address(), Clock.systemUTC());
    ConsumerAccounts accounts =
        new ConsumerAccounts(providerDb, provider.address(), Myst.parse("0"));
    PinnedTls tls = PinnedTls.generate(random);
    ProviderSessions[] self = new ProviderSessions[1];
    Socks5Exit exit =
        Socks5Exit.start(
            tls,
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            id -> self[0].meter(id),
            true);
    resources.add(exit);
    Dialogues providerNode =
        node(
            provider,
            peer ->
                new Conversation(
                    self[0].addTo(Conversation.Services.none()),
                    (d, r) -> self[0].dialogueClosed(d, r)));
    proposal =
        new ServiceProposal(
            ServiceProposal.FORMAT_VERSION,
            provider.address(),
            1,
            "socks5",
            new ServiceProposal.Place("DE", 3320),
            new ServiceProposal.Place("DE", 3320),
            1_000_000, // kbit/s: the bandwidth is not what is tested
            ServiceProposal.Metering.PER_MEGABYTE,
            Myst.parse("0.001"),
            List.of(providerNode.contact().toString()));
    ProviderSessions sessions =
        new ProviderSessions(
            new ProviderSessions.Terms(
                proposal,
                Myst.parse("0.05"),
                Myst.parse("1"),
                Duration.ofMillis(200),
                Duration.ofSeconds(2)),
            promises,
            received,
            accounts,
            identity -> payments.balanceOf(identity.toString()),
            consumerAddress -> {},
            SessionEvents.none());
    sessions.serve(new Socks5Backend("127.0.0.1", exit.address(), tls.certificateSha256()));
    self[0] = sessions;
    resources.add(sessions);
  }

  @Test
  void anApplicationThatStopsReadingForSecondsKeepsAnHonestProviderAndIsBilledWhatItCounted()
      throws Exception {
    Database consumerDb = Database.open(temp.resolve("consumer.db"));
    resources.add(consumerDb);
    IssuedPromises issued = new IssuedPromises(consumerDb, promises, consumer, Clock.systemUTC());
    Dialogues consumerNode = node(consumer, peer -> new Conversation(Conversation.Services.none()));
    ConsumerSession session =
        ConsumerSession.open(
            consumerNode,
            proposal,
            issued,
            Myst.parse("0.05"),
            SessionEvents.none(),
            Duration.ofSeconds(10));
    resources.add(session);

    try (Socket app = new Socket()) {
      app.connect(session.socksAddress(), 5_000);
      app.setSoTimeout(20_000);
      InputStream in = app.getInputStream();
      OutputStream out = app.getOutputStream();
      int port = origin.getLocalPort();
      out.write(new byte[] {5, 1, 0});
      out.write(new byte[] {5, 1, 0, 1, 127, 0, 0, 1, (byte) (port >> 8), (byte) port});
      out.flush();
      byte[] replies = new byte[12];
      new DataInputStream(in).readFully(replies);
      assertThat(replies[3]).as("SOCKS5 CONNECT succeeded").isZero();

      byte[] buffer = new byte[64 * 1024];
      long read = readAtLeast(in, buffer, STALL_AFTER);
      // the application stops reading: the stall itself is what is tested, its length the input
      long stalledAt = System.nanoTime();
      await(() -> session.endedBy() != null || System.nanoTime() - stalledAt > STALL_NANOS);
      assertThat(session.endedBy())
          .as("the consumer kept the provider while stalled: %s", session.closedByProvider())
          .isNull();
      read += readAtLeast(in, buffer, TOTAL - read);
      assertThat(read).isEqualTo(TOTAL);
    }

    // the bill after the download, against the consumer's own count
    await(
        () -> session.lastMetering() != null && session.lastMetering().bytesToConsumer() >= TOTAL);
    assertThat(session.endedBy()).isNull();
    long counted = session.meter().bytesToConsumer() + session.meter().bytesFromConsumer();
    long billed =
        session.lastMetering().bytesToConsumer() + session.lastMetering().bytesFromConsumer();
    long tolerance = counted * BillCheck.TOLERANCE_PERCENT / 100 + BillCheck.SLACK_BYTES;
    assertThat(billed).isBetween(counted - tolerance, counted + tolerance);
    assertThat(session.lastMetering().cost()).isLessThanOrEqualTo(session.allowedCost());
  }

  private static long readAtLeast(InputStream in, byte[] buffer, long bytes) throws Exception {
    long read = 0;
    while (read < bytes) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, bytes - read));
      assertThat(n).as("stream ended early after %d bytes", read).isPositive();
      read += n;
    }
    return read;
  }

  private PrivateKey key() {
    PrivateKey key = PrivateKey.generate(random);
    directory.put(key.address(), key.publicKey());
    resources.add(key);
    return key;
  }

  private Dialogues node(PrivateKey key, java.util.function.Function<Address, Conversation> conv)
      throws Exception {
    Messenger messenger =
        new Messenger(
            key,
            identity -> Optional.ofNullable(directory.get(identity)),
            true,
            Duration.ofSeconds(30),
            Clock.systemUTC(),
            random);
    Dialogues dialogues =
        new Dialogues(
                messenger,
                Channels.listen(Contact.parse("udp://127.0.0.1:0")),
                DialogueConfig.DEFAULT,
                conv::apply)
            .start();
    resources.add(dialogues);
    return dialogues;
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void await(Condition condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.holds()) {
      assertThat(System.nanoTime()).as("waited 30 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
