package network.mysterium.payments;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import network.mysterium.contracts.Deployment;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.money.Myst;
import network.mysterium.store.Database;

/**
 * A consumer and a provider writing their ledgers as fast as they can, in a JVM of its own, so
 * {@link PromisesTest} can SIGKILL it mid-write: pays a step, has it taken, prints "taken AMOUNT"
 * after both commits, forever. Arguments: deployment file, consumer ledger, provider ledger.
 */
public final class PromiseLedgerCrashChild {
  private PromiseLedgerCrashChild() {}

  public static void main(String[] args) throws Exception {
    Deployment deployment = Deployment.read(Path.of(args[0]));
    Promises promises = Promises.of(deployment);
    PrivateKey consumer = PrivateKey.generate(new SecureRandom());
    Address provider = Address.parse(args[3]);
    try (Database consumerDb = Database.open(Path.of(args[1]));
        Database providerDb = Database.open(Path.of(args[2]))) {
      IssuedPromises issued = new IssuedPromises(consumerDb, promises, consumer, Clock.systemUTC());
      ReceivedPromises received =
          new ReceivedPromises(providerDb, promises, provider, Clock.systemUTC());
      ReceivedPromises.Policy policy =
          new ReceivedPromises.Policy(Myst.parse("0.001"), Myst.parse("1000000"));
      System.out.println("issuer " + consumer.address());
      while (true) {
        SignedPromise signed = issued.pay(provider, Myst.parse("0.001"));
        received.accept(signed, policy);
        System.out.println("taken " + signed.promise().amount().baseUnits());
        System.out.flush();
      }
    }
  }
}
