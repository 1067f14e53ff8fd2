package network.mysterium.contracts;

import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** What the typed bindings share: a deployed contract's address and the encoding of calls. */
abstract class ContractBinding {
  protected final EthereumClient client;
  protected final String address;

  ContractBinding(EthereumClient client, String address) {
    this.client = client;
    this.address = address;
  }

  public String address() {
    return address;
  }

  protected TransactionReceipt send(Credentials from, String function, Type<?>... args)
      throws ChainException {
    return client.send(from, encode(function, args));
  }

  /** A call of this contract's function, encoded for a transaction. */
  protected ContractCall encode(String function, Type<?>... args) {
    return new ContractCall(
        address, FunctionEncoder.encode(new Function(function, List.of(args), List.of())));
  }

  protected BigInteger callUint(String function, Type<?>... args) throws ChainException {
    return (BigInteger) callSingle(function, new TypeReference<Uint256>() {}, args);
  }

  protected boolean callBool(String function, Type<?>... args) throws ChainException {
    return (Boolean) callSingle(function, new TypeReference<Bool>() {}, args);
  }

  protected String callAddress(String function, Type<?>... args) throws ChainException {
    return (String) callSingle(function, new TypeReference<Address>() {}, args);
  }

  /** A view returning several values (a struct's fields), decoded in order. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  protected List<Type> call(String function, List<Type> args, List<TypeReference<?>> outputs)
      throws ChainException {
    Function call = new Function(function, args, (List) outputs);
    String result = client.call(address, FunctionEncoder.encode(call));
    List<Type> values = FunctionReturnDecoder.decode(result, call.getOutputParameters());
    if (values.size() != outputs.size()) {
      throw new ChainException(
          function
              + " returned "
              + values.size()
              + " values: is there a contract at "
              + address
              + "?");
    }
    return values;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Object callSingle(String function, TypeReference<?> output, Type<?>... args)
      throws ChainException {
    Function call = new Function(function, List.of(args), List.of((TypeReference) output));
    String result = client.call(address, FunctionEncoder.encode(call));
    List<Type> values = FunctionReturnDecoder.decode(result, call.getOutputParameters());
    if (values.isEmpty()) {
      throw new ChainException(
          function + " returned nothing: is there a contract at " + address + "?");
    }
    return values.getFirst().getValue();
  }

  protected static Address address(String hex) {
    return new Address(hex);
  }

  protected static Uint256 uint(BigInteger value) {
    return new Uint256(value);
  }
}
