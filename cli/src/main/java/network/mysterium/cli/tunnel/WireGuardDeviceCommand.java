package network.mysterium.cli.tunnel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import network.mysterium.cli.MysteriumCommand;
import network.mysterium.cli.UserError;
import network.mysterium.service.tunnel.StandaloneDevice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code mysterium wg-device IFACE}: our WireGuard implementation as a plain userspace WireGuard
 * interface, the way {@code wireguard-go IFACE} is one: configured with the stock {@code wg} over
 * the UAPI socket (peers, endpoints, allowed IPs) and {@code ip} (addresses, routes). The private
 * key comes from a 0600 file, as {@code wg set private-key} takes it. Runs until stopped.
 */
@Command(name = "wg-device", mixinStandardHelpOptions = true)
public final class WireGuardDeviceCommand implements Callable<Integer> {
  @ParentCommand private MysteriumCommand root;

  @Parameters(index = "0", paramLabel = "IFACE", descriptionKey = "tunnel-interface")
  private String name;

  @Option(
      names = "--private-key",
      required = true,
      paramLabel = "FILE",
      descriptionKey = "wg-private-key")
  private Path privateKeyFile;

  @Option(
      names = "--listen-port",
      defaultValue = "0",
      paramLabel = "PORT",
      descriptionKey = "wireguard-port")
  private int listenPort;

  @Option(names = "--mtu", defaultValue = "1420", paramLabel = "BYTES", descriptionKey = "mtu")
  private int mtu;

  @Override
  public Integer call() throws Exception {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(Files.readString(privateKeyFile).strip());
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new UserError("error.tunnel", "cannot read a WireGuard key from " + privateKeyFile);
    }
    if (key.length != 32) {
      throw new UserError("error.tunnel", privateKeyFile + " does not hold a 32-byte key");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    StandaloneDevice device;
    try {
      device = StandaloneDevice.start(name, mtu, listenPort, key);
    } catch (java.io.IOException e) {
      throw new UserError("error.tunnel", e.getMessage());
    } finally {
      java.util.Arrays.fill(key, (byte) 0);
    }
    try (device) {
      Thread hook = new Thread(stopped::countDown, "wg-device-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      root.say("wg-device.running", device.interfaceName(), Integer.toString(device.port()));
      root.environment().out().flush();
      stopped.await();
    }
    return 0;
  }
}
