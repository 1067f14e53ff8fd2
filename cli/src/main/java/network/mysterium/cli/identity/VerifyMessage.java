package network.mysterium.cli.identity;

import java.util.concurrent.Callable;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.Signature;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Exit code 0 when the signature is valid (and by --address, if given), 1 when not. */
@Command(name = "verify-message", mixinStandardHelpOptions = true)
final class VerifyMessage implements Callable<Integer> {
  @ParentCommand private IdentityCommand identity;
  @Mixin private SignedContent content;

  @Option(names = "--address", paramLabel = "ADDRESS", descriptionKey = "address")
  private String address;

  @Option(
      names = "--signature",
      paramLabel = "HEX",
      required = true,
      descriptionKey = "mysterium.identity.verify-message.signature")
  private String signature;

  @Override
  public Integer call() throws Exception {
    Address expected = address == null ? null : Address.parse(address);
    Address signer = Signature.parseHex(signature).recoverAddress(content.hash());
    if (expected == null) {
      identity.say("signature.signer", signer);
      return 0;
    }
    if (signer.equals(expected)) {
      identity.say("signature.valid", signer);
      return 0;
    }
    identity.say("signature.other-signer", signer, expected);
    return 1;
  }
}
