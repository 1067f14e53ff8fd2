package network.mysterium.payments;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import network.mysterium.chain.ChainAccounts;
import network.mysterium.contracts.BatchClearing;
import network.mysterium.contracts.ChainException;
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
 * Clears the provider's held promises through the Payments contract (whitepaper 6.5.4), in batches
 * across issuers (one transaction for many), each issuer's lowest serial first. When the issuer is
 * short, the promise is cleared against its stake (and the identity defaults); a clearing the chain
 * already has (e.g. sent just before a crash) is recognised and recorded rather than retried.
 */
public final class PromiseClearer {
  private static final Logger LOG = LoggerFactory.getLogger(PromiseClearer.class);

  /**
   * What one clearing round did: the promises cleared, what the chain paid for them (before the
   * network fee; less than promised when the issuer was short), and a note when it was.
   */
  public record Result(List<Promise> cleared, Myst total, Optional<String> deferred) {}

  /** Promises per transaction: about 20,000 gas each, far below a block's limit. */
  public static final int MAX_BATCH = 64;

  private final ReceivedPromises ledger;
  private final PaymentsContract payments;
  private final PrivateKey benefiter;

  public PromiseClearer(
      ReceivedPromises ledger, EthereumClient client, Deployment deployment, PrivateKey benefiter) {
    this.ledger = ledger;
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

  /**
   * Clears every promise held from the issuer; one its balance cannot pay is cleared against its
   * stake.
   */
  public Result clear(Address issuer) throws ChainException, StoreException {
    return clear(List.of(issuer)).get(issuer);
  }

  /**
   * Clears every promise held from these issuers in as few transactions as a batch allows (one for
   * up to {@value #MAX_BATCH} promises), each issuer's lowest serial first. A promise the issuer's
   * balance cannot pay is cleared against its stake (whitepaper 6.5.6: the balance pays what it
   * can, the stake the rest up to half the registration value, and the identity defaults), as the
   * provider accepted it against that balance. A promise the chain already cleared (e.g. sent just
   * before a crash) is recognised and the ledger brought up to the chain.
   */
  public Map<Address, Result> clear(Collection<Address> issuers)
      throws ChainException, StoreException {
    Map<Address, List<Promise>> cleared = new LinkedHashMap<>();
    Map<Address, BigInteger> totals = new HashMap<>();
    Map<Address, String> notes = new HashMap<>();
    List<SignedPromise> held = new ArrayList<>();
    for (Address issuer : new LinkedHashSet<>(issuers)) {
      cleared.put(issuer, new ArrayList<>());
      held.addAll(ledger.held(issuer));
    }
    for (int from = 0; from < held.size(); from += MAX_BATCH) {
      List<SignedPromise> batch = held.subList(from, Math.min(held.size(), from + MAX_BATCH));
      Map<String, SignedPromise> bySerial = new HashMap<>();
      List<BatchClearing.IssuedPromise> sent = new ArrayList<>();
      for (SignedPromise h : batch) {
        Promise p = h.promise();
        bySerial.put(key(p.issuer().toString(), BigInteger.valueOf(p.serial())), h);
        sent.add(
            new BatchClearing.IssuedPromise(
                p.issuer().toString(),
                BigInteger.valueOf(p.serial()),
                p.amount().baseUnits(),
                h.signature().toBytes()));
      }
      BatchClearing.Outcome outcome =
          payments.clearPromises(ChainAccounts.credentials(benefiter), sent, true);
      for (BatchClearing.Cleared c : outcome.cleared()) {
        SignedPromise h = bySerial.get(key(c.issuer(), c.serial()));
        if (h == null) {
          continue; // not one of ours (cannot happen: the events are this transaction's)
        }
        Promise p = h.promise();
        ledger.cleared(p.issuer(), p.serial());
        cleared.get(p.issuer()).add(p);
        // what the chain paid (before the network fee), which is less than promised when the
        // issuer's balance and stake together were short: the rest of that serial is forfeited
        totals.merge(p.issuer(), c.paid(), BigInteger::add);
        if (c.fromStake().signum() > 0) {
          LOG.info("{} could not pay serial {}: cleared against its stake", p.issuer(), p.serial());
          notes.put(
              p.issuer(), "the issuer's balance was short: paid from its stake, issuer defaulted");
        }
        if (c.paid().compareTo(p.amount().baseUnits()) < 0) {
          notes.put(
              p.issuer(),
              "serial "
                  + p.serial()
                  + " paid "
                  + Myst.ofBaseUnits(c.paid()).toPlainString()
                  + " of "
                  + p.amount().toPlainString()
                  + " MYST: the issuer's balance and stake were short, the rest is lost");
        }
      }
      for (BatchClearing.Skipped skipped : outcome.skipped()) {
        SignedPromise h = bySerial.get(key(skipped.issuer(), skipped.serial()));
        if (h == null) {
          continue;
        }
        if (skipped.reason() == BatchClearing.NotCleared.SERIAL_NOT_ABOVE) {
          reconcile(
              h.promise().issuer()); // already cleared (or a higher serial was): the chain decides
        } else if (skipped.reason() == BatchClearing.NotCleared.INSUFFICIENT_BALANCE) {
          LOG.info("serial {} of {} waits for a balance", skipped.serial(), skipped.issuer());
        } else {
          // Held promises were verified when accepted, so this is a promise the contract will
          // never take (a domain it was not verified against, say): voided, and said once, so
          // the policy does not pay for a transaction for it at every check
          LOG.warn(
              "serial {} of {} can never be cleared ({}): voided",
              skipped.serial(),
              skipped.issuer(),
              skipped.reason());
          ledger.voidUnclearable(h.promise().issuer(), h.promise().serial());
        }
      }
    }
    Map<Address, Result> results = new LinkedHashMap<>();
    for (var entry : cleared.entrySet()) {
      Address issuer = entry.getKey();
      results.put(
          issuer,
          new Result(
              List.copyOf(entry.getValue()),
              Myst.ofBaseUnits(totals.getOrDefault(issuer, BigInteger.ZERO)),
              Optional.ofNullable(notes.get(issuer))));
    }
    return results;
  }

  private static String key(String issuer, BigInteger serial) {
    return issuer.toLowerCase(java.util.Locale.ROOT) + "/" + serial;
  }
}
