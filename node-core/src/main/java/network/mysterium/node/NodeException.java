package network.mysterium.node;

import java.util.List;
import network.mysterium.contracts.ChainException;
import network.mysterium.contracts.ContractRevertException;
import network.mysterium.store.StoreException;

/**
 * Why a command of the {@link Node} facade failed: a stable {@link Code} that callers switch on
 * (the app picks its message by it, the API puts it in its error body), and a detail for people.
 * Nothing above node-core matches the text.
 */
public final class NodeException extends Exception {
  /** Stable across releases: the local API documents these names. */
  public enum Code {
    /** A value the caller gave is not valid (an amount, an address, a country, a filter). */
    INVALID_INPUT,
    /** Not a positive MYST amount. */
    INVALID_AMOUNT,
    /** Not an address. */
    INVALID_ADDRESS,
    /** More than the wallet or payments account holds. */
    INSUFFICIENT_FUNDS,
    /** No withdrawal was requested, so there is none to complete. */
    NO_PENDING_WITHDRAWAL,
    /** The requested withdrawal's notice has not passed yet; the argument says from when. */
    WITHDRAWAL_NOT_DUE,
    /** The identity is registered already. */
    ALREADY_REGISTERED,
    /** The identity is not registered, and the command needs it to be. */
    NOT_REGISTERED,
    /** No provider matches, or none of the matching ones could be reached. */
    NO_PROVIDER,
    /** The command needs a connection and there is none (or one and there is one). */
    NOT_CONNECTED,
    ALREADY_CONNECTED,
    /** The peer is not registered on chain: there is no key to talk to it with. */
    PEER_UNREGISTERED,
    /** The peer refused, or did not answer in time. */
    PEER_REFUSED,
    /** A preview was confirmed that this node does not hold (expired, or confirmed already). */
    UNKNOWN_PREVIEW,
    /** The chain's RPC endpoint cannot be reached, or does not serve the deployment's chain. */
    CHAIN_UNREACHABLE,
    /** A contract refused the transaction; the detail names its error. */
    CHAIN_REFUSED,
    /** The deployment file is missing or not readable. */
    NO_DEPLOYMENT,
    /** The passphrase does not open the keystore file. */
    WRONG_PASSPHRASE,
    /** Not a keystore file this node can read: malformed, truncated, or an unsupported KDF. */
    INVALID_KEYSTORE,
    /** The identity is in this node's keystore already. */
    IDENTITY_EXISTS,
    /** No identity with that address in this node's keystore. */
    UNKNOWN_IDENTITY,
    /** No identity is unlocked: unlock one first. */
    LOCKED,
    /** The program embedding this node chooses its identity; it cannot be switched from outside. */
    IDENTITY_FIXED,
    /** Another node runs on this data directory (a daemon: use its API). */
    DATA_DIR_IN_USE,
    /** The node's database or files. */
    STORAGE,
    /** This host cannot do it (a tunnel without CAP_NET_ADMIN, a port taken). */
    HOST,
    /** Something this node did not expect; the detail says what. */
    INTERNAL
  }

  private final Code code;
  private final List<String> arguments;

  public NodeException(Code code, String detail, Throwable cause, String... arguments) {
    super(detail, cause);
    this.code = code;
    this.arguments = List.of(arguments);
  }

  public NodeException(Code code, String detail, String... arguments) {
    this(code, detail, null, arguments);
  }

  public Code code() {
    return code;
  }

  /** The values the message is about (a contract's error arguments, the amount asked for). */
  public List<String> arguments() {
    return arguments;
  }

  /** The typed reading of a failure from a part of the node. */
  public static NodeException of(Exception failure) {
    return switch (failure) {
      case NodeException n -> n;
      case ContractRevertException r ->
          new NodeException(
              Code.CHAIN_REFUSED,
              r.errorName() + r.arguments().toString().replace('[', '(').replace(']', ')'),
              r,
              r.errorName());
      case ChainException c -> new NodeException(Code.CHAIN_UNREACHABLE, c.getMessage(), c);
      case StoreException s -> new NodeException(Code.STORAGE, s.getMessage(), s);
      case java.io.IOException io -> new NodeException(Code.HOST, io.getMessage(), io);
      case IllegalArgumentException i -> new NodeException(Code.INVALID_INPUT, i.getMessage(), i);
      default ->
          new NodeException(
              Code.INTERNAL,
              failure.getClass().getSimpleName() + ": " + failure.getMessage(),
              failure);
    };
  }
}
