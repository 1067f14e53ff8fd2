package network.mysterium.chain;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import network.mysterium.chain.PaymentsWalk.Outcome;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import org.web3j.crypto.Credentials;

/**
 * The walk's registry steps: issuers register (a stake behind their promises), a defaulted one
 * registers again (a new stake on top of what is left), a registered one is refused, a registration
 * signed by someone else or for another stake is refused; the owner (or, refused, a stranger)
 * changes the registration value, which also moves the cap of what a promise may take from a stake
 * (half of it).
 */
final class PaymentsWalkStakes {
  private final PaymentsWalk w;

  PaymentsWalkStakes(PaymentsWalk walk) {
    this.w = walk;
  }

  void registerAtStart(PrivateKey who) throws Exception {
    Outcome o = submit(who, who, w.model.registrationStake);
    w.expect(o, Set.of());
    w.model.registered(who.address());
  }

  void register() throws Exception {
    // C0 never registers, so the walk always has an issuer with nothing at stake
    List<PrivateKey> issuers = w.consumers.subList(1, w.consumers.size());
    List<PrivateKey> free =
        issuers.stream()
            .filter(
                k ->
                    !w.model.registered.contains(k.address())
                        || w.model.defaulted.contains(k.address()))
            .toList();
    // mostly one that may register (new, or defaulted); now and then one that may not
    PrivateKey who = !free.isEmpty() && w.rnd.nextInt(4) != 0 ? w.pick(free) : w.pick(issuers);
    Address id = who.address();
    BigInteger stake = w.model.registrationStake;
    PrivateKey signer = who;
    BigInteger signed = stake;
    String what = "honest";
    int kind = w.rnd.nextInt(100);
    if (kind < 8) {
      signer = w.relay;
      what = "signed by the relay";
    } else if (kind < 14) {
      signed = stake.add(BigInteger.ONE);
      what = "signed for another stake";
    }
    Set<String> errors = new HashSet<>();
    if (w.model.registered.contains(id) && !w.model.defaulted.contains(id)) {
      errors.add("AlreadyRegistered");
    }
    if (signer != who || !signed.equals(stake)) {
      errors.add("NotSignedByIdentity");
    }
    boolean again = w.model.defaulted.contains(id);
    w.log(
        "register (%s) %s for %s%s, expecting %s",
        what,
        w.name(id),
        stake,
        again ? " again after defaulting, stake left " + w.model.stakeOf(id) : "",
        errors.isEmpty() ? "success" : errors);
    Outcome o = submit(who, signer, signed);
    w.expect(o, errors);
    if (o.receipt() != null) {
      w.model.registered(id);
      w.count(again ? "register again after default" : "register");
    }
  }

  void setRegistrationStake() throws Exception {
    boolean byOwner = w.rnd.nextInt(8) != 0;
    Credentials sender = byOwner ? w.owner : w.f.credentials(w.relay);
    int kind = w.rnd.nextInt(10);
    BigInteger stake =
        kind == 0 ? BigInteger.ZERO : kind < 4 ? ContractsFixture.STAKE : w.amount(20);
    w.log(
        "set registration stake %s (was %s)%s",
        stake, w.model.registrationStake, byOwner ? "" : " by a stranger");
    Outcome o = PaymentsWalk.attempt(() -> w.registry.setRegistrationStake(sender, stake));
    w.expect(o, byOwner ? Set.of() : Set.of("OwnableUnauthorizedAccount"));
    if (o.receipt() != null) {
      w.model.registrationStake = stake;
      w.count("set registration stake");
    }
  }

  /** The identity pays the stake itself; {@code signer} signs a registration for {@code signed}. */
  private Outcome submit(PrivateKey who, PrivateKey signer, BigInteger signed) throws Exception {
    BigInteger stake = w.model.registrationStake;
    w.ensureTokens(who, stake);
    w.f.token.approve(w.f.credentials(who), w.f.deployment.identityRegistry(), stake);
    byte[] signature =
        w.f.sign(
            signer,
            ContractMessages.registration(
                w.f.registryDomain(), who.address(), who.address(), signed));
    return PaymentsWalk.attempt(
        () ->
            w.registry.register(
                w.f.credentials(who), who.publicKey().toUncompressedXy(), signature));
  }
}
