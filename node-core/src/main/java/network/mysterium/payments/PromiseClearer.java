package network.mysterium.payments;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import network.mysterium.chain.ChainAccounts;
import network.mysterium.contracts.ChainException;
import network.mysterium.contracts.ContractRevertException;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.money.Myst;
import network.mysterium.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clears the provider's held promises through the Payments contract (whitepaper 6.5.4), lowest
 * serial first. When the issuer is short, the promise is cleared against its stake (and the
 * identity defaults); a clearing the chain already has (e.g. sent just before a crash) is
 * recognised and recorded rather than retried.
 */
public final class PromiseClearer {
  private static final Logger LOG = LoggerFactory.getLogger(PromiseClearer.class);

  /** What one clearing round did. */
  public record Result(List<Promise> cleared, Myst total, Optional<String> deferred) {}

  private final ReceivedPromises ledger;
  private final Promises promises;
  private final PaymentsContract payments;
  private final PrivateKey benefiter;

  public PromiseClearer(
      ReceivedPromises ledger,
      Promises promises,
      EthereumClient client,
      Deployment deployment,
      PrivateKey benefiter) {
    this.ledger = ledger;
    this.promises = promises;
    this.payments = new PaymentsContract(client, deployment.payments());
    this.benefiter = benefiter;
  }

  /** Brings the ledger up to what the chain has cleared for this issuer. */
  public void reconcile(Address issuer) throws ChainException, StoreException {
    long onChain =
        payments
            .lastClearedSerial(issuer.toString(), benefiter.address().toString())
            .longValueExact();
    if (onChain > ledger.lastCleared(issuer)) {
      ledger.cleared(issuer, onChain);
    }
  }

  private void send(SignedPromise held, boolean acceptPartial) throws ChainException {
    Promise p = held.promise();
    payments.clearPromise(
        ChainAccounts.credentials(benefiter),
        p.issuer().toString(),
        p.benefiter().toString(),
        BigInteger.valueOf(p.serial()),
        p.amount().baseUnits(),
        acceptPartial,
        held.signature().toBytes(),
        promises.signClearing(p, acceptPartial, benefiter).toBytes());
  }

  /**
   * Clears every promise held from the issuer; one its balance cannot pay is cleared against its
   * stake.
   */
  public Result clear(Address issuer) throws ChainException, StoreException {
    reconcile(issuer);
    List<Promise> cleared = new ArrayList<>();
    BigInteger total = BigInteger.ZERO;
    Optional<String> note = Optional.empty();
    for (SignedPromise held : ledger.held(issuer)) {
      Promise p = held.promise();
      try {
        send(held, false);
      } catch (ContractRevertException e) {
        if (e.errorName().equals("SerialNotAbove")) {
          reconcile(issuer); // already cleared (or a higher serial was): the chain decides
          continue;
        }
        if (!e.errorName().equals("InsufficientBalance")) {
          throw e;
        }
        // The issuer promised more than it holds (to others too, or it withdrew): the balance
        // pays what it can and the issuer's stake the rest, up to half the registration value,
        // which defaults the identity (whitepaper 6.5.6). This serial is then closed.
        LOG.info("{} cannot pay serial {}: clearing against its stake", issuer, p.serial());
        send(held, true);
        note = Optional.of("the issuer's balance was short: paid from its stake, issuer defaulted");
      }
      ledger.cleared(issuer, p.serial());
      cleared.add(p);
      total = total.add(p.amount().baseUnits());
    }
    return new Result(cleared, Myst.ofBaseUnits(total), note);
  }
}
