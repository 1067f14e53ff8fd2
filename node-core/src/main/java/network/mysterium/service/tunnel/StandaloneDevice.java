package network.mysterium.service.tunnel;

import java.io.IOException;
import java.net.InetSocketAddress;
import network.mysterium.service.wireguard.WireGuardDevice;
import network.mysterium.service.wireguard.WireGuardUapi;
import network.mysterium.tun.TunDevice;

/**
 * A WireGuard device on its own, outside any session: a TUN interface, the userspace device on a
 * UDP port, and the cross-platform UAPI socket that stock {@code wg} configures it through (what
 * {@code mysterium wg-device} runs, as wireguard-go does).
 */
public final class StandaloneDevice implements AutoCloseable {
  private final TunDevice tun;
  private final WireGuardDevice device;
  private final WireGuardUapi uapi;

  private StandaloneDevice(TunDevice tun, WireGuardDevice device, WireGuardUapi uapi) {
    this.tun = tun;
    this.device = device;
    this.uapi = uapi;
  }

  /**
   * Opens the interface and starts the device; the caller wipes {@code privateKey} after this.
   *
   * @throws IOException when the interface cannot be opened (CAP_NET_ADMIN), with why
   */
  public static StandaloneDevice start(String name, int mtu, int listenPort, byte[] privateKey)
      throws IOException {
    TunDevice tun = new HostNetwork().openTun(name, mtu);
    WireGuardDevice device = null;
    try {
      device =
          WireGuardDevice.start(
              tun,
              new InetSocketAddress(listenPort),
              privateKey,
              WireGuardDevice.Options.defaults());
      return new StandaloneDevice(
          tun, device, WireGuardUapi.serve(device, WireGuardUapi.DEFAULT_DIRECTORY));
    } catch (IOException | RuntimeException e) {
      if (device != null) {
        device.close();
      }
      tun.close();
      throw e;
    }
  }

  public String interfaceName() {
    return tun.name();
  }

  public int port() {
    return device.address().getPort();
  }

  @Override
  public void close() throws IOException {
    try (tun;
        device;
        uapi) {
      // closed in reverse: the UAPI socket, the device, the interface
    }
  }
}
