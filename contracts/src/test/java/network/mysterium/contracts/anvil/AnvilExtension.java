package network.mysterium.contracts.anvil;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class its own anvil, started before its first test on a free loopback port and
 * stopped after its last one, whether the tests pass or fail. Inject it as an {@link Anvil}
 * parameter.
 */
public final class AnvilExtension implements BeforeAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(AnvilExtension.class);

  /** Closes the node when JUnit closes the class's store. */
  private record Running(Anvil anvil) implements AutoCloseable {
    @Override
    public void close() {
      anvil.close();
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    context
        .getStore(NAMESPACE)
        .put(Running.class, new Running(Anvil.start(binary(), Anvil.DEFAULT_CHAIN_ID)));
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Anvil.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getStore(NAMESPACE).get(Running.class, Running.class).anvil();
  }

  /** The checkout's anvil; the build passes the checkout root as a system property. */
  public static Path binary() throws java.io.IOException {
    return Anvil.locate(Path.of(System.getProperty("mysterium.root.dir", "..")));
  }
}
