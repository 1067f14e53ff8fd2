package network.mysterium.location;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;
import java.util.OptionalLong;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.net.InternetAddresses;

/**
 * Where a provider serves from (whitepaper 6.4.2: country and autonomous system): what its
 * configuration says, and what it does not say looked up for its public address.
 */
public final class LocationDetector {
  private final PublicAddressSource publicAddress;
  private final IpLocationDatabase database;

  public LocationDetector(PublicAddressSource publicAddress, IpLocationDatabase database) {
    this.publicAddress = publicAddress;
    this.database = database;
  }

  /** A detected location and how it was found, for the provider to show. */
  public record Detected(ServiceProposal.Place place, Optional<InetAddress> lookedUp) {}

  /**
   * The configured country and ASN where given; the others looked up for the public address.
   *
   * @throws LocationException when the address cannot be found or is not a public one
   */
  public Detected detect(Optional<String> country, OptionalLong asn) throws LocationException {
    if (country.isPresent() && asn.isPresent()) {
      return new Detected(
          new ServiceProposal.Place(country.get(), asn.getAsLong()), Optional.empty());
    }
    InetAddress address;
    try {
      address = publicAddress.publicAddress();
    } catch (IOException e) {
      throw new LocationException(
          "could not learn this node's public address (" + e.getMessage() + ")");
    }
    if (!InternetAddresses.isPublic(address)) {
      throw new LocationException(address.getHostAddress() + " is not a public Internet address");
    }
    try {
      String foundCountry =
          country.isPresent()
              ? country.get()
              : database
                  .country(address)
                  .orElseThrow(
                      () ->
                          new LocationException(
                              "no country is known for " + address.getHostAddress()));
      long foundAsn =
          asn.isPresent()
              ? asn.getAsLong()
              : database
                  .asn(address)
                  .orElseThrow(
                      () ->
                          new LocationException(
                              "no autonomous system is known for " + address.getHostAddress()));
      return new Detected(new ServiceProposal.Place(foundCountry, foundAsn), Optional.of(address));
    } catch (IllegalArgumentException e) {
      throw new LocationException(
          "the location found for "
              + address.getHostAddress()
              + " is not usable: "
              + e.getMessage());
    } catch (IOException e) {
      throw new LocationException("could not read the IP location data: " + e.getMessage());
    }
  }

  /** The location could not be found: the message says why; the fix is to give it in config. */
  public static final class LocationException extends Exception {
    public LocationException(String message) {
      super(message);
    }
  }
}
