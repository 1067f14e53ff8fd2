package network.mysterium.node;

import java.net.InetSocketAddress;
import network.mysterium.money.Myst;
import network.mysterium.session.SpendLimit;

/**
 * How a consumer connects: the service type (a local SOCKS5 proxy, or the IP tunnel, which needs
 * CAP_NET_ADMIN, with or without the kill switch), what it pays per step and at most, and where the
 * proxy listens or what the tunnel's interface is called.
 */
public record ConnectionOptions(
    String serviceType,
    boolean killSwitch,
    SpendLimit spendLimit,
    Myst paymentStep,
    InetSocketAddress socksListen,
    String interfaceName) {
  public static final Myst DEFAULT_PAYMENT_STEP = Myst.parse("0.05");
  public static final String DEFAULT_INTERFACE = "myst0";

  public ConnectionOptions {
    if (paymentStep.baseUnits().signum() <= 0) {
      throw new IllegalArgumentException("the payment step must be positive: " + paymentStep);
    }
  }

  /** A SOCKS5 proxy on a free loopback port, with the default limits and step. */
  public static ConnectionOptions socks5() {
    return new ConnectionOptions(
        ServiceTypes.SOCKS5,
        false,
        SpendLimit.defaults(),
        DEFAULT_PAYMENT_STEP,
        Node.anyLoopbackPort(),
        DEFAULT_INTERFACE);
  }

  /** The IP tunnel on {@code myst0}, with the kill switch. */
  public static ConnectionOptions tunnel() {
    return socks5().withServiceType(ServiceTypes.WIREGUARD).withKillSwitch(true);
  }

  public boolean isTunnel() {
    return serviceType.equals(ServiceTypes.WIREGUARD);
  }

  public ConnectionOptions withServiceType(String type) {
    return new ConnectionOptions(
        type, killSwitch, spendLimit, paymentStep, socksListen, interfaceName);
  }

  public ConnectionOptions withKillSwitch(boolean on) {
    return new ConnectionOptions(
        serviceType, on, spendLimit, paymentStep, socksListen, interfaceName);
  }

  public ConnectionOptions withSpendLimit(SpendLimit limit) {
    return new ConnectionOptions(
        serviceType, killSwitch, limit, paymentStep, socksListen, interfaceName);
  }

  public ConnectionOptions withPaymentStep(Myst step) {
    return new ConnectionOptions(
        serviceType, killSwitch, spendLimit, step, socksListen, interfaceName);
  }

  public ConnectionOptions withSocksListen(InetSocketAddress listen) {
    return new ConnectionOptions(
        serviceType, killSwitch, spendLimit, paymentStep, listen, interfaceName);
  }

  public ConnectionOptions withInterfaceName(String name) {
    return new ConnectionOptions(
        serviceType, killSwitch, spendLimit, paymentStep, socksListen, name);
  }
}
