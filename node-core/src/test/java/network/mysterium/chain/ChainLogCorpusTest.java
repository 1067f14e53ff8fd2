package network.mysterium.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import network.mysterium.contracts.Deployment;
import network.mysterium.contracts.EthereumClient;
import network.mysterium.contracts.MystTokenContract;
import network.mysterium.contracts.PaymentsContract;
import network.mysterium.contracts.ServiceRegistryContract;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.Address;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.discovery.ServiceProposal;
import network.mysterium.discovery.SignedProposals;
import network.mysterium.money.Myst;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;

/**
 * The chain fuzz target's seed corpus: real logs of the real contracts (and of the event fixture,
 * for clearings and withdrawals) on anvil, in {@link FuzzedLogs}' form. With {@code
 * -Dfuzz.corpus.write=true} this test writes them under src/test/resources; without, it checks that
 * every committed seed still decodes to an event, so the corpus keeps reaching the index.
 */
@ExtendWith(AnvilExtension.class)
class ChainLogCorpusTest {
  static final String INPUTS = "network/mysterium/chain/ChainLogFuzzTestInputs";
  static final List<String> TARGETS =
      List.of("logsAreDecodedOrRefusedAndIndexed", "logsAreDecodedOrRefusedAndIndexedLong");

  @Test
  void seedsAreRealLogsThatDecode(Anvil anvil) throws Exception {
    if (Boolean.getBoolean("fuzz.corpus.write")) {
      write(record(anvil));
    }
    Path dir = resources().resolve(INPUTS).resolve(TARGETS.getFirst());
    List<Path> seeds;
    try (var files = Files.list(dir)) {
      seeds = files.sorted().toList();
    }
    assertThat(seeds).hasSizeGreaterThanOrEqualTo(5);
    EventDecoder decoder = new EventDecoder(FuzzedLogs.CONTRACTS);
    List<Class<?>> kinds = new ArrayList<>();
    long block = 1;
    for (Path seed : seeds) {
      Log log = FuzzedLogs.log(Files.readAllBytes(seed), block++);
      kinds.add(decoder.decode(log).orElseThrow().getClass());
    }
    assertThat(kinds)
        .contains(
            ChainEvent.IdentityRegistered.class,
            ChainEvent.ProposalAnnounced.class,
            ChainEvent.Deposited.class,
            ChainEvent.PromiseCleared.class,
            ChainEvent.Withdrawn.class);
  }

  private static Path resources() {
    return Path.of(System.getProperty("mysterium.root.dir", ".."))
        .resolve("node-core/src/test/resources");
  }

  private static List<byte[]> record(Anvil anvil) throws Exception {
    try (EthereumClient client = EthereumClient.connect(anvil.rpcUrl());
        PrivateKey provider = PrivateKey.generate(new SecureRandom())) {
      long start = anvil.blockNumber();
      Credentials deployer = Credentials.create(Anvil.DEV_PRIVATE_KEYS.getFirst());
      Deployment deployment = TestContracts.deploy(client, deployer);
      EventFixtureContract fixture =
          EventFixtureContract.deploy(client.web3(), Anvil.DEFAULT_CHAIN_ID);
      anvil.setBalance(provider.address().toString(), BigInteger.TEN.pow(19));
      MystTokenContract token = new MystTokenContract(client, deployment.token());
      token.transfer(deployer, provider.address().toString(), TestContracts.ONE_MYST.shiftLeft(4));
      new ChainWallet(client, deployment).register(provider);
      // signed for the fuzz target's registry address, so the seed passes its verification
      byte[] signed =
          new SignedProposals(
                  ContractMessages.Domain.serviceRegistry(
                      FuzzedLogs.CHAIN_ID, FuzzedLogs.CONTRACTS.serviceRegistry()))
              .sign(
                  new ServiceProposal(
                      ServiceProposal.FORMAT_VERSION,
                      provider.address(),
                      1,
                      "wireguard",
                      new ServiceProposal.Place("DE", 3320),
                      new ServiceProposal.Place("DE", 3320),
                      50_000,
                      ServiceProposal.Metering.PER_MEGABYTE,
                      Myst.parse("0.001"),
                      List.of("udp://203.0.113.7:5000", "tcp://[2001:db8::1]:443")),
                  provider);
      new ServiceRegistryContract(client, deployment.serviceRegistry())
          .announce(ChainAccounts.credentials(provider), 1, signed);
      token.approve(deployer, deployment.payments(), TestContracts.ONE_MYST);
      new PaymentsContract(client, deployment.payments())
          .deposit(deployer, provider.address().toString(), TestContracts.ONE_MYST);
      fixture.clear(provider.address(), Address.parse(deployer.getAddress()), 3, 500, 5);
      fixture.withdraw(provider.address(), Address.parse(deployer.getAddress()), 100);
      Map<String, Integer> emitters =
          Map.of(
              deployment.identityRegistry().toLowerCase(), 0,
              deployment.serviceRegistry().toLowerCase(), 1,
              deployment.payments().toLowerCase(), 2,
              fixture.address.toString().toLowerCase(), 2);
      EthLog logs =
          client
              .web3()
              .ethGetLogs(
                  new EthFilter(
                      DefaultBlockParameter.valueOf(BigInteger.valueOf(start)),
                      DefaultBlockParameterName.LATEST,
                      List.copyOf(emitters.keySet())))
              .send();
      List<byte[]> seeds = new ArrayList<>();
      EventDecoder decoder = new EventDecoder(FuzzedLogs.CONTRACTS);
      for (EthLog.LogResult<?> result : logs.getLogs()) {
        Log log = (Log) result.get();
        byte[] seed =
            FuzzedLogs.encode(
                emitters.get(log.getAddress().toLowerCase()), log.getTopics(), log.getData());
        if (decoder.decode(FuzzedLogs.log(seed, 1)).isPresent()) { // followed events only
          seeds.add(seed);
        }
      }
      return seeds;
    }
  }

  private static void write(List<byte[]> seeds) throws Exception {
    for (String target : TARGETS) {
      Path dir = resources().resolve(INPUTS).resolve(target);
      Files.createDirectories(dir);
      for (int i = 0; i < seeds.size(); i++) {
        Files.write(dir.resolve(String.format("seed-%02d", i)), seeds.get(i));
      }
    }
  }
}
