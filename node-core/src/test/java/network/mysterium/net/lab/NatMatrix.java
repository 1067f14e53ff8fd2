package network.mysterium.net.lab;

import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;

/**
 * The test Internet of the NAT traversal work: a consumer and a provider each behind every {@link
 * Nat} kind (each in a home of its own), a provider with a public address, and a chain and a relay
 * host on the Internet side. More hosts and homes can be added through {@link #internet()}.
 */
public final class NatMatrix implements AutoCloseable {
  private final TestInternet internet;
  private final Map<Nat, Home> consumers = new EnumMap<>(Nat.class);
  private final Map<Nat, Home> providers = new EnumMap<>(Nat.class);
  private final Host publicProvider;
  private final Host chain;
  private final Host relay;

  private NatMatrix(TestInternet internet) throws IOException {
    this.internet = internet;
    this.chain = internet.publicHost("chain");
    this.relay = internet.publicHost("relay");
    this.publicProvider = internet.publicHost("provider-public");
    for (Nat nat : Nat.values()) {
      String kind = nat.abbreviation();
      Home c = internet.home("home-c-" + kind, nat);
      c.host("consumer-" + kind);
      consumers.put(nat, c);
      Home p = internet.home("home-p-" + kind, nat);
      p.host("provider-" + kind);
      providers.put(nat, p);
    }
  }

  public static NatMatrix create() throws IOException {
    TestInternet internet = TestInternet.create();
    try {
      return new NatMatrix(internet);
    } catch (IOException | RuntimeException e) {
      internet.close();
      throw e;
    }
  }

  public TestInternet internet() {
    return internet;
  }

  /** The consumer host behind a router of kind {@code nat}. */
  public Host consumer(Nat nat) {
    return consumers.get(nat).hosts().getFirst();
  }

  /** The provider host behind a router of kind {@code nat}. */
  public Host provider(Nat nat) {
    return providers.get(nat).hosts().getFirst();
  }

  /** The consumer's home, e.g. to add a second host to it. */
  public Home consumerHome(Nat nat) {
    return consumers.get(nat);
  }

  public Home providerHome(Nat nat) {
    return providers.get(nat);
  }

  /** A provider with a public address of its own. */
  public Host publicProvider() {
    return publicProvider;
  }

  /** The host meant for the chain (anvil). */
  public Host chain() {
    return chain;
  }

  /** The host meant for the relay node. */
  public Host relay() {
    return relay;
  }

  @Override
  public void close() {
    internet.close();
  }
}
