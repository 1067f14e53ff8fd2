package network.mysterium.discovery;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import network.mysterium.crypto.Address;
import network.mysterium.discovery.proto.Location;
import network.mysterium.messaging.channel.Contact;
import network.mysterium.money.Myst;

/**
 * A provider's offer (whitepaper 6.4.2): what service, from where, how fast, at what price, and how
 * to reach it. Validated on construction, so an instance is always a well-formed proposal.
 */
public record ServiceProposal(
    int formatVersion,
    Address provider,
    long serial,
    String serviceType,
    Place providedFrom,
    Place origin,
    long bandwidthKbps,
    Metering metering,
    Myst pricePerUnit,
    List<String> contacts) {

  public static final int FORMAT_VERSION = 1;
  private static final Pattern SERVICE_TYPE = Pattern.compile("[a-z][a-z0-9-]{0,31}");
  private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

  /** How use is counted. */
  public enum Metering {
    PER_MEGABYTE,
    PER_SECOND
  }

  /** A country (ISO 3166-1 alpha-2) and autonomous system number. */
  public record Place(String country, long asn) {
    public Place {
      if (country == null || !COUNTRIES.contains(country)) {
        throw new IllegalArgumentException(
            "not an ISO 3166-1 alpha-2 country code: '" + country + "'");
      }
      if (asn < 0 || asn > 0xffffffffL) {
        throw new IllegalArgumentException("ASN out of range: " + asn);
      }
    }
  }

  public ServiceProposal {
    // A newer format only adds fields (docs/protocol.md), so its proposal is read as far as this
    // node understands it; 0 means the field is missing.
    if (formatVersion < FORMAT_VERSION) {
      throw new IllegalArgumentException("unknown proposal format version " + formatVersion);
    }
    if (serial < 1) {
      throw new IllegalArgumentException("serial must be at least 1");
    }
    if (serviceType == null || !SERVICE_TYPE.matcher(serviceType).matches()) {
      throw new IllegalArgumentException("not a service type: '" + serviceType + "'");
    }
    if (bandwidthKbps < 1) {
      throw new IllegalArgumentException("bandwidth must be above zero");
    }
    if (metering == null || pricePerUnit == null || providedFrom == null || origin == null) {
      throw new IllegalArgumentException("metering, price and locations are required");
    }
    if (contacts == null || contacts.isEmpty() || contacts.size() > 8) {
      throw new IllegalArgumentException("a proposal lists 1 to 8 contacts");
    }
    contacts = List.copyOf(contacts);
    for (String contact : contacts) {
      Contact.parse(contact); // throws with the reason
    }
  }

  /** The canonical bytes that are signed and announced. */
  public byte[] encode() {
    return network.mysterium.discovery.proto.ServiceProposal.newBuilder()
        .setFormatVersion(formatVersion)
        .setProvider(ByteString.copyFrom(provider.toBytes()))
        .setSerial(serial)
        .setServiceType(serviceType)
        .setProvidedFrom(location(providedFrom))
        .setOrigin(location(origin))
        .setBandwidthKbps(bandwidthKbps)
        .setMetering(
            metering == Metering.PER_MEGABYTE
                ? network.mysterium.discovery.proto.ServiceProposal.Metering.PER_MEGABYTE
                : network.mysterium.discovery.proto.ServiceProposal.Metering.PER_SECOND)
        .setPricePerUnit(ByteString.copyFrom(unsigned(pricePerUnit.baseUnits())))
        .addAllContacts(contacts)
        .build()
        .toByteArray();
  }

  /**
   * Decodes and validates. Contacts of channel types this node does not know (a newer node's) are
   * left out; the proposal is kept while at least one contact is usable.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static ServiceProposal decode(byte[] bytes) {
    network.mysterium.discovery.proto.ServiceProposal p;
    try {
      p = network.mysterium.discovery.proto.ServiceProposal.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not a service proposal: " + e.getMessage());
    }
    if (p.getProvider().size() != Address.LENGTH) {
      throw new IllegalArgumentException("provider is not a 20-byte address");
    }
    if (p.getPricePerUnit().size() > 32) {
      throw new IllegalArgumentException("price does not fit 256 bits");
    }
    Metering metering =
        switch (p.getMetering()) {
          case PER_MEGABYTE -> Metering.PER_MEGABYTE;
          case PER_SECOND -> Metering.PER_SECOND;
          default ->
              throw new IllegalArgumentException("unknown metering method " + p.getMeteringValue());
        };
    return new ServiceProposal(
        p.getFormatVersion(),
        Address.of(p.getProvider().toByteArray()),
        p.getSerial(),
        p.getServiceType(),
        new Place(
            p.getProvidedFrom().getCountry(), Integer.toUnsignedLong(p.getProvidedFrom().getAsn())),
        new Place(p.getOrigin().getCountry(), Integer.toUnsignedLong(p.getOrigin().getAsn())),
        p.getBandwidthKbps(),
        metering,
        Myst.ofBaseUnits(new BigInteger(1, p.getPricePerUnit().toByteArray())),
        usable(p.getContactsList()));
  }

  private static List<String> usable(List<String> contacts) {
    List<String> usable =
        contacts.stream()
            .filter(
                c -> {
                  try {
                    Contact.parse(c);
                    return true;
                  } catch (IllegalArgumentException e) {
                    return false;
                  }
                })
            .limit(8)
            .toList();
    if (usable.isEmpty()) {
      throw new IllegalArgumentException(
          "none of the " + contacts.size() + " contacts is of a known channel type");
    }
    return usable;
  }

  private static Location location(Place place) {
    return Location.newBuilder().setCountry(place.country()).setAsn((int) place.asn()).build();
  }

  private static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    return bytes.length > 1 && bytes[0] == 0
        ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length)
        : bytes;
  }
}
