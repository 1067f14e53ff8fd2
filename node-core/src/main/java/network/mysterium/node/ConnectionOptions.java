package network.mysterium.node;

import java.net.InetSocketAddress;
import network.mysterium.money.Myst;
import network.mysterium.session.SpendLimit;

/**
 * How a consumer connects: the service type (a local SOCKS5 proxy, or the IP tunnel, which needs
 * CAP_NET_ADMIN, with or without the kill switch), what it pays per step and at most, and where the
 * proxy listens or what the tunnel's interface is called, and whether leaving a provider or losing
 * the session fails over to the next one ({@link FailOver}; on unless turned off). The per-session
 * spending limit is the whole connection's, fail-overs included.
 */
public record ConnectionOptions(
    String serviceType,
    boolean killSwitch,
    SpendLimit spendLimit,
    Myst paymentStep,
    InetSocketAddress socksListen,
    String interfaceName,
    boolean failOver) {
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
        DEFAULT_INTERFACE,
        true);
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
        type, killSwitch, spendLimit, paymentStep, socksListen, interfaceName, failOver);
  }

  public ConnectionOptions withKillSwitch(boolean on) {
    return new ConnectionOptions(
        serviceType, on, spendLimit, paymentStep, socksListen, interfaceName, failOver);
  }

  public ConnectionOptions withSpendLimit(SpendLimit limit) {
    return new ConnectionOptions(
        serviceType, killSwitch, limit, paymentStep, socksListen, interfaceName, failOver);
  }

  public ConnectionOptions withPaymentStep(Myst step) {
    return new ConnectionOptions(
        serviceType, killSwitch, spendLimit, step, socksListen, interfaceName, failOver);
  }

  public ConnectionOptions withSocksListen(InetSocketAddress listen) {
    return new ConnectionOptions(
        serviceType, killSwitch, spendLimit, paymentStep, listen, interfaceName, failOver);
  }

  public ConnectionOptions withInterfaceName(String name) {
    return new ConnectionOptions(
        serviceType, killSwitch, spendLimit, paymentStep, socksListen, name, failOver);
  }

  /** Whether the node goes on to the next provider when this one is left or lost. */
  public ConnectionOptions withFailOver(boolean on) {
    return new ConnectionOptions(
        serviceType, killSwitch, spendLimit, paymentStep, socksListen, interfaceName, on);
  }
}
