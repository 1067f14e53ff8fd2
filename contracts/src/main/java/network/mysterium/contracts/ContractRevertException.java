package network.mysterium.contracts;

import java.util.List;

/**
 * A transaction or call reverted with a named Solidity error, e.g. {@code SerialNotAbove(3, 2)}.
 */
public final class ContractRevertException extends ChainException {
  private final String errorName;
  private final List<Object> arguments;

  public ContractRevertException(String errorName, List<Object> arguments) {
    super(
        "the contract refused: "
            + errorName
            + arguments.toString().replace('[', '(').replace(']', ')'));
    this.errorName = errorName;
    this.arguments = List.copyOf(arguments);
  }

  /** The Solidity error's name, or "unknown" when the revert data matched no known error. */
  public String errorName() {
    return errorName;
  }

  public List<Object> arguments() {
    return arguments;
  }
}
