package network.mysterium.service.tunnel;

import network.mysterium.service.Meter;
import network.mysterium.service.wireguard.Peer;

/**
 * A provider's tunnel peer counted into its session's meter and held to the session's bandwidth:
 * from the device's side, what the peer sends was received from the consumer.
 */
final class MeteredTraffic implements Peer.Traffic {
  private final Meter meter;

  MeteredTraffic(Meter meter) {
    this.meter = meter;
  }

  @Override
  public void received(long bytes) {
    meter.countFromConsumer(bytes);
  }

  @Override
  public void sent(long bytes) {
    meter.countToConsumer(bytes);
  }

  @Override
  public boolean mayPass(long bytes) {
    return meter.admitToConsumer(bytes);
  }

  @Override
  public boolean mayEnter(long bytes) {
    return meter.admitFromConsumer(bytes);
  }
}
