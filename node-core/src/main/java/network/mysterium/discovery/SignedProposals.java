package network.mysterium.discovery;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import network.mysterium.chain.ContractMessages;
import network.mysterium.contracts.Deployment;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.InvalidSignatureException;
import network.mysterium.crypto.Keccak;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.crypto.Signature;
import network.mysterium.discovery.proto.SignedProposal;

/** Signs proposals for announcement and verifies announced ones. */
public final class SignedProposals {
  /** Why an announced proposal was dropped. */
  public enum Rejection {
    MALFORMED,
    INVALID,
    BAD_SIGNATURE,
    WRONG_PROVIDER,
    UNREGISTERED,
    SUPERSEDED
  }

  /** An announced proposal that failed verification. */
  public static final class RejectedProposalException extends Exception {
    private final Rejection reason;

    public RejectedProposalException(Rejection reason, String detail) {
      super(reason + ": " + detail);
      this.reason = reason;
    }

    public Rejection reason() {
      return reason;
    }
  }

  /** The most bytes a signed proposal may have: what the service registry accepts. */
  public static final int MAX_BYTES =
      network.mysterium.contracts.ServiceRegistryContract.MAX_PROPOSAL_BYTES;

  private final ContractMessages.Domain domain;

  public SignedProposals(ContractMessages.Domain serviceRegistryDomain) {
    this.domain = serviceRegistryDomain;
  }

  /** Proposals for the service registry of a deployment. */
  public static SignedProposals of(Deployment deployment) {
    return new SignedProposals(
        ContractMessages.Domain.serviceRegistry(
            deployment.chainId(), Address.parse(deployment.serviceRegistry())));
  }

  /** The bytes to pass to {@code ServiceRegistry.announce}. */
  public byte[] sign(ServiceProposal proposal, PrivateKey provider) {
    if (!proposal.provider().equals(provider.address())) {
      throw new IllegalArgumentException("a proposal is signed by its own provider");
    }
    byte[] encoded = proposal.encode();
    Signature signature = ContractMessages.proposal(domain, Keccak.hash(encoded)).sign(provider);
    return SignedProposal.newBuilder()
        .setProposal(ByteString.copyFrom(encoded))
        .setSignature(ByteString.copyFrom(signature.toBytes()))
        .build()
        .toByteArray();
  }

  /**
   * Verifies an announcement: well-formed, valid, signed by its provider, who is also the
   * announcement's sender and serial.
   */
  public ServiceProposal verify(byte[] announced, Address sender, long serial)
      throws RejectedProposalException {
    ServiceProposal proposal = verifySigned(announced);
    if (!sender.equals(proposal.provider()) || serial != proposal.serial()) {
      throw new RejectedProposalException(
          Rejection.WRONG_PROVIDER, "announced by " + sender + " as serial " + serial);
    }
    return proposal;
  }

  /**
   * Checks signed proposal bytes on their own (e.g. handed over by another node): well formed,
   * valid, and signed by the provider they name.
   */
  public ServiceProposal verifySigned(byte[] announced) throws RejectedProposalException {
    if (announced.length > MAX_BYTES) { // cheap before parsing and signature recovery
      throw new RejectedProposalException(
          Rejection.MALFORMED, announced.length + " bytes, above " + MAX_BYTES);
    }
    SignedProposal signed;
    try {
      signed = SignedProposal.parseFrom(announced);
    } catch (InvalidProtocolBufferException e) {
      throw new RejectedProposalException(Rejection.MALFORMED, "not a signed proposal");
    }
    ServiceProposal proposal;
    try {
      proposal = ServiceProposal.decode(signed.getProposal().toByteArray());
    } catch (IllegalArgumentException e) {
      throw new RejectedProposalException(Rejection.INVALID, e.getMessage());
    }
    Address signer;
    try {
      signer =
          ContractMessages.proposal(domain, Keccak.hash(signed.getProposal().toByteArray()))
              .recover(Signature.parse(signed.getSignature().toByteArray()));
    } catch (IllegalArgumentException | InvalidSignatureException e) {
      throw new RejectedProposalException(Rejection.BAD_SIGNATURE, String.valueOf(e.getMessage()));
    }
    if (!signer.equals(proposal.provider())) {
      throw new RejectedProposalException(
          Rejection.BAD_SIGNATURE, "signed by " + signer + ", not " + proposal.provider());
    }
    return proposal;
  }
}
