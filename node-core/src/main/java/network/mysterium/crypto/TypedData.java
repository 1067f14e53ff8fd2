package network.mysterium.crypto;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * EIP-712 typed structured data: the types, the primary type, the domain and the message, hashed as
 * the specification defines, so that a signature here is the one {@code eth_signTypedData_v4}
 * (MetaMask, ethers, Foundry) and Solidity's EIP-712 verification produce.
 *
 * <p>Values may be given as JSON does (strings, numbers, booleans, lists, maps) or as Java values
 * ({@link BigInteger}, {@link Long}, {@link Address}, {@code byte[]}, ...).
 */
public record TypedData(
    Map<String, List<Field>> types,
    String primaryType,
    Map<String, Object> domain,
    Map<String, Object> message) {

  /** One member of a struct type, e.g. {@code address wallet}. */
  public record Field(String name, String type) {}

  public static final String DOMAIN_TYPE = "EIP712Domain";
  private static final Pattern ARRAY = Pattern.compile("^(.*)\\[(\\d*)]$");
  private static final Pattern INTEGER = Pattern.compile("^(u?)int(\\d*)$");
  private static final Pattern FIXED_BYTES = Pattern.compile("^bytes(\\d+)$");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

  public TypedData {
    types = Map.copyOf(types);
    domain = Map.copyOf(domain);
    message = Map.copyOf(message);
    if (!types.containsKey(primaryType)) {
      throw new IllegalArgumentException("primary type '" + primaryType + "' is not defined");
    }
    if (!types.containsKey(DOMAIN_TYPE)) {
      throw new IllegalArgumentException("the EIP712Domain type is not defined");
    }
  }

  /** Parses the JSON that {@code eth_signTypedData_v4} takes. */
  public static TypedData fromJson(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("typed data is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("typed data must be a JSON object");
    }
    for (String member : List.of("types", "primaryType", "domain", "message")) {
      if (!root.hasNonNull(member)) {
        throw new IllegalArgumentException("typed data has no '" + member + "'");
      }
    }
    Map<String, List<Field>> types = new LinkedHashMap<>();
    root.get("types")
        .properties()
        .forEach(
            entry -> {
              List<Field> fields = new ArrayList<>();
              for (JsonNode field : entry.getValue()) {
                fields.add(new Field(field.path("name").asText(), field.path("type").asText()));
              }
              types.put(entry.getKey(), fields);
            });
    @SuppressWarnings("unchecked")
    Map<String, Object> domain = JSON.convertValue(root.get("domain"), Map.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> message = JSON.convertValue(root.get("message"), Map.class);
    return new TypedData(types, root.get("primaryType").asText(), domain, message);
  }

  /** keccak256(0x19 0x01 || domainSeparator || hashStruct(message)): what gets signed. */
  public byte[] digest() {
    return Keccak.hash(
        new byte[] {0x19, 0x01}, domainSeparator(), hashStruct(primaryType, message));
  }

  public byte[] domainSeparator() {
    return hashStruct(DOMAIN_TYPE, domain);
  }

  public Signature sign(PrivateKey key) {
    return key.sign(digest());
  }

  public Address recover(Signature signature) throws InvalidSignatureException {
    return signature.recoverAddress(digest());
  }

  /** keccak256(typeHash || encodeData(value)). */
  public byte[] hashStruct(String type, Map<String, Object> value) {
    return Keccak.hash(encodeData(type, value));
  }

  /** The type's signature followed by its referenced struct types, sorted by name. */
  public String encodeType(String type) {
    TreeSet<String> dependencies = new TreeSet<>();
    collectDependencies(type, dependencies);
    dependencies.remove(type);
    StringBuilder out = new StringBuilder(signatureOf(type));
    for (String dependency : dependencies) {
      out.append(signatureOf(dependency));
    }
    return out.toString();
  }

  public byte[] typeHash(String type) {
    return Keccak.hash(encodeType(type).getBytes(StandardCharsets.UTF_8));
  }

  private String signatureOf(String type) {
    StringBuilder out = new StringBuilder(type).append('(');
    List<Field> fields = types.get(type);
    for (int i = 0; i < fields.size(); i++) {
      out.append(i == 0 ? "" : ",")
          .append(fields.get(i).type())
          .append(' ')
          .append(fields.get(i).name());
    }
    return out.append(')').toString();
  }

  private void collectDependencies(String type, TreeSet<String> found) {
    String base = baseType(type);
    if (!types.containsKey(base) || !found.add(base)) {
      return;
    }
    for (Field field : types.get(base)) {
      collectDependencies(field.type(), found);
    }
  }

  private static String baseType(String type) {
    Matcher array = ARRAY.matcher(type);
    return array.matches() ? baseType(array.group(1)) : type;
  }

  private byte[] encodeData(String type, Map<String, Object> value) {
    List<Field> fields = types.get(type);
    if (fields == null) {
      throw new IllegalArgumentException("type '" + type + "' is not defined");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(typeHash(type));
    for (Field field : fields) {
      Object member = value.get(field.name());
      if (member == null) {
        throw new IllegalArgumentException(type + "." + field.name() + " has no value");
      }
      out.writeBytes(encodeValue(field.type(), member, type + "." + field.name()));
    }
    return out.toByteArray();
  }

  @SuppressWarnings("unchecked")
  private byte[] encodeValue(String type, Object value, String where) {
    Matcher array = ARRAY.matcher(type);
    if (array.matches()) {
      if (!(value instanceof List<?> list)) {
        throw new IllegalArgumentException(where + " must be a list");
      }
      if (!array.group(2).isEmpty() && list.size() != Integer.parseInt(array.group(2))) {
        throw new IllegalArgumentException(where + " must have " + array.group(2) + " elements");
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (int i = 0; i < list.size(); i++) {
        out.writeBytes(encodeValue(array.group(1), list.get(i), where + "[" + i + "]"));
      }
      return Keccak.hash(out.toByteArray());
    }
    if (types.containsKey(type)) {
      if (!(value instanceof Map<?, ?> map)) {
        throw new IllegalArgumentException(where + " must be a " + type + " struct");
      }
      return hashStruct(type, (Map<String, Object>) map);
    }
    return encodeAtomic(type, value, where);
  }

  private static byte[] encodeAtomic(String type, Object value, String where) {
    switch (type) {
      case "string" -> {
        if (!(value instanceof String text)) {
          throw new IllegalArgumentException(where + " must be a string");
        }
        return Keccak.hash(text.getBytes(StandardCharsets.UTF_8));
      }
      case "bytes" -> {
        return Keccak.hash(bytesOf(value, where));
      }
      case "bool" -> {
        boolean flag =
            switch (value) {
              case Boolean b -> b;
              case String s when s.equals("true") || s.equals("false") -> Boolean.parseBoolean(s);
              default -> throw new IllegalArgumentException(where + " must be true or false");
            };
        return Secp256k1.toBytes32(flag ? BigInteger.ONE : BigInteger.ZERO);
      }
      case "address" -> {
        Address address =
            value instanceof Address a ? a : Address.parse(requireString(value, where));
        byte[] out = new byte[32];
        System.arraycopy(address.toBytes(), 0, out, 12, 20);
        return out;
      }
      default -> {
        Matcher fixed = FIXED_BYTES.matcher(type);
        if (fixed.matches()) {
          int size = Integer.parseInt(fixed.group(1));
          byte[] bytes = bytesOf(value, where);
          if (size < 1 || size > 32 || bytes.length != size) {
            throw new IllegalArgumentException(where + " must be " + size + " bytes");
          }
          byte[] out = new byte[32];
          System.arraycopy(bytes, 0, out, 0, size);
          return out;
        }
        Matcher integer = INTEGER.matcher(type);
        if (integer.matches()) {
          return encodeInteger(integer.group(1).isEmpty(), integer.group(2), value, where);
        }
        throw new IllegalArgumentException(where + " has an unknown type '" + type + "'");
      }
    }
  }

  private static byte[] encodeInteger(boolean signed, String bitsText, Object value, String where) {
    int bits = bitsText.isEmpty() ? 256 : Integer.parseInt(bitsText);
    if (bits < 8 || bits > 256 || bits % 8 != 0) {
      throw new IllegalArgumentException(where + " has an invalid integer size " + bits);
    }
    BigInteger number = integerOf(value, where);
    BigInteger min = signed ? BigInteger.ONE.shiftLeft(bits - 1).negate() : BigInteger.ZERO;
    BigInteger max =
        (signed ? BigInteger.ONE.shiftLeft(bits - 1) : BigInteger.ONE.shiftLeft(bits))
            .subtract(BigInteger.ONE);
    if (number.compareTo(min) < 0 || number.compareTo(max) > 0) {
      throw new IllegalArgumentException(where + " is out of range for " + bitsText + " bits");
    }
    // Two's complement in 256 bits, as the EVM holds it.
    BigInteger word = number.signum() < 0 ? number.add(BigInteger.ONE.shiftLeft(256)) : number;
    return Secp256k1.toBytes32(word);
  }

  private static BigInteger integerOf(Object value, String where) {
    return switch (value) {
      case BigInteger b -> b;
      case Long l -> BigInteger.valueOf(l);
      case Integer i -> BigInteger.valueOf(i);
      case String s -> {
        try {
          String text = s.strip();
          boolean hex = text.startsWith("0x") || text.startsWith("0X");
          yield hex ? new BigInteger(text.substring(2), 16) : new BigInteger(text);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(where + " is not an integer: '" + s + "'");
        }
      }
      default -> throw new IllegalArgumentException(where + " must be an integer");
    };
  }

  private static byte[] bytesOf(Object value, String where) {
    if (value instanceof byte[] bytes) {
      return bytes.clone();
    }
    try {
      return Hex.decode(requireString(value, where));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage());
    }
  }

  private static String requireString(Object value, String where) {
    if (value instanceof String text) {
      return text;
    }
    throw new IllegalArgumentException(where + " must be a hex string");
  }
}
