package network.mysterium.node;

import java.util.Optional;
import network.mysterium.discovery.ServiceProposal;

/** Whether the node shares, the proposal it announced, and how many sessions it provides now. */
public record SharingStatus(boolean sharing, Optional<ServiceProposal> proposal, int sessions) {
  static SharingStatus off() {
    return new SharingStatus(false, Optional.empty(), 0);
  }
}
