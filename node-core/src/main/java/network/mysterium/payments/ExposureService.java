package network.mysterium.payments;

import java.util.concurrent.atomic.AtomicLong;
import network.mysterium.conversation.Conversation;
import network.mysterium.conversation.proto.Exchange;
import network.mysterium.dialogue.Dialogue;
import network.mysterium.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes in other providers' reports of what they hold from an issuer ({@code ExposureReport}, a
 * notice). Each promise must be made out to the reporting peer (a provider can only report its own)
 * and carry its issuer's signature, checked after the cheap checks; a bad report is refused,
 * counted and logged once.
 */
public final class ExposureService implements Conversation.Service {
  private static final Logger LOG = LoggerFactory.getLogger(ExposureService.class);

  /** Most promises in one report: a peer reports one issuer's held promises at a time. */
  public static final int MAX_PROMISES = 64;

  private final SharedExposure shared;
  private final Promises signatures;
  private final AtomicLong refused = new AtomicLong();

  public ExposureService(SharedExposure shared, Promises signatures) {
    this.shared = shared;
    this.signatures = signatures;
  }

  /** These services with this one added. */
  public Conversation.Services addTo(Conversation.Services services) {
    return services.with(Exchange.BodyCase.EXPOSURE_REPORT, this);
  }

  /** Reports (or promises in them) refused, since the start. */
  public long refused() {
    return refused.get();
  }

  @Override
  public Exchange.Builder handle(Dialogue dialogue, Exchange message)
      throws Conversation.RefusedException {
    var report = message.getExposureReport();
    if (report.getPromisesCount() > MAX_PROMISES) {
      throw refuse("EXPOSURE_REPORT_TOO_LARGE", report.getPromisesCount() + " promises");
    }
    for (var encoded : report.getPromisesList()) {
      SignedPromise signed;
      try {
        signed = PromiseMessages.decode(encoded);
      } catch (IllegalArgumentException e) {
        throw refuse("MALFORMED_PROMISE", e.getMessage());
      }
      // cheap first: only the reporter's own promises, with a value, before any signature check
      if (!signed.promise().benefiter().equals(dialogue.peer())) {
        throw refuse("NOT_THE_REPORTERS", "made out to " + signed.promise().benefiter());
      }
      if (signed.promise().amount().baseUnits().signum() <= 0) {
        throw refuse("MALFORMED_PROMISE", "no amount");
      }
      if (!signatures.isSignedByIssuer(signed)) {
        throw refuse("BAD_SIGNATURE", "not signed by its issuer");
      }
      try {
        if (!shared.record(signed.promise())) {
          throw refuse("EXPOSURE_REPORT_TOO_LARGE", "too many promises reported by this peer");
        }
      } catch (StoreException e) {
        throw new Conversation.RefusedException("LEDGER_UNAVAILABLE", "cannot store it now");
      }
    }
    return null; // a notice: no answer
  }

  private Conversation.RefusedException refuse(String code, String detail) {
    if (refused.incrementAndGet() == 1) {
      LOG.info("refused an exposure report ({}: {}); further ones are only counted", code, detail);
    }
    return new Conversation.RefusedException(code, detail);
  }
}
