package network.mysterium.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import network.mysterium.contracts.anvil.Anvil;
import network.mysterium.contracts.anvil.AnvilExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Several transactions sent at once from one account (a provider clearing several sessions) each
 * get their own nonce and are all mined (review F15).
 */
@ExtendWith(AnvilExtension.class)
class ConcurrentSendsTest {
  private static final int SENDS = 12;

  @Test
  void concurrentSendsFromOneAccountAreAllMined(Anvil anvil) throws Exception {
    Credentials sender = Credentials.create(Anvil.DEV_PRIVATE_KEYS.get(3));
    try (EthereumClient client = EthereumClient.connect(anvil.rpcUrl());
        ExecutorService threads = Executors.newFixedThreadPool(SENDS)) {
      BigInteger before = count(client, sender);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<TransactionReceipt>> sends = new ArrayList<>();
      for (int i = 0; i < SENDS; i++) {
        String to = String.format("0x%040x", 0x1000 + i);
        sends.add(
            threads.submit(
                () -> {
                  start.await();
                  return client.send(sender, to, "0x");
                }));
      }
      start.countDown();
      List<BigInteger> nonces = new ArrayList<>();
      for (Future<TransactionReceipt> send : sends) {
        TransactionReceipt receipt = send.get(60, TimeUnit.SECONDS);
        assertThat(receipt.isStatusOK()).isTrue();
        nonces.add(
            client
                .web3()
                .ethGetTransactionByHash(receipt.getTransactionHash())
                .send()
                .getTransaction()
                .orElseThrow()
                .getNonce());
      }
      assertThat(nonces).doesNotHaveDuplicates().hasSize(SENDS);
      assertThat(count(client, sender)).isEqualTo(before.add(BigInteger.valueOf(SENDS)));
    }
  }

  private static BigInteger count(EthereumClient client, Credentials sender) throws Exception {
    return client
        .web3()
        .ethGetTransactionCount(sender.getAddress(), DefaultBlockParameterName.LATEST)
        .send()
        .getTransactionCount();
  }
}
