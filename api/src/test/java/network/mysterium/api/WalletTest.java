package network.mysterium.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.file.Path;
import network.mysterium.contracts.Deployer;
import network.mysterium.contracts.MystTokenContract;
import network.mysterium.contracts.anvil.AnvilExtension;
import network.mysterium.crypto.PrivateKey;
import network.mysterium.demo.LocalNetwork;
import network.mysterium.money.Myst;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Money moves only on confirm: a deposit, a registration and a withdrawal are each previewed
 * (nothing sent, the chain's balances unchanged), then confirmed, step by step; a preview is used
 * up by its confirm.
 */
class WalletTest {
  @TempDir Path temp;

  @Test
  void aDepositPreviewedSendsNothingAndConfirmedMovesTheMoney() throws Exception {
    try (LocalNetwork network = LocalNetwork.start(AnvilExtension.binary(), temp, (k, a) -> {});
        ApiNode node =
            ApiNode.start(network, temp.resolve("node"), Myst.parse("5"), Myst.ZERO, o -> o)) {
      Curl curl = node.curl;
      assertWallet(curl, "5", "0");
      String hash = null;
      String lastId = null;
      for (int step = 0; step < 3; step++) {
        Curl.Reply preview = curl.post("/wallet/deposit", "{\"amount\": \"2\"}");
        assertThat(preview.status()).as(preview.body()).isEqualTo(200);
        assertThat(preview.text("amount")).isEqualTo("2");
        assertThat(new BigDecimal(preview.text("gas"))).isPositive();
        assertThat(new BigDecimal(preview.text("maxFeeWei"))).isPositive();
        assertThat(preview.text("kind")).isIn("APPROVE_DEPOSIT", "DEPOSIT");
        // previewing sent nothing: a second preview is the same step, the balances are as before
        assertThat(curl.post("/wallet/deposit", "{\"amount\": \"2\"}").text("kind"))
            .isEqualTo(preview.text("kind"));
        assertWallet(curl, "5", "0");
        lastId = preview.text("id");
        Curl.Reply sent = curl.post("/wallet/confirm", "{\"preview\": \"" + lastId + "\"}");
        assertThat(sent.status()).as(sent.body()).isEqualTo(200);
        hash = sent.text("transactionHash");
        assertThat(hash).matches("0x[0-9a-f]{64}");
        if (preview.json().path("last").asBoolean()) {
          assertThat(preview.text("kind")).isEqualTo("DEPOSIT");
          break;
        }
        assertWallet(curl, "5", "0"); // an approval moves nothing
      }
      assertThat(hash).isNotNull();
      assertWallet(curl, "3", "2");
      // read apart from the API: the token contract agrees
      assertThat(
              new MystTokenContract(network.client(), network.deployment().token())
                  .balanceOf(node.node.address().toString()))
          .isEqualTo(Myst.parse("3").baseUnits());
      Curl.Reply used = curl.post("/wallet/confirm", "{\"preview\": \"" + lastId + "\"}");
      assertThat(used.status()).isEqualTo(404);
      assertThat(used.code()).isEqualTo("UNKNOWN_PREVIEW");

      // a withdrawal the same way: previewed, nothing moves; confirmed, it does
      PrivateKey elsewhere = PrivateKey.generate(new java.security.SecureRandom());
      String to = elsewhere.address().toString();
      elsewhere.close();
      Curl.Reply withdrawal =
          curl.post("/wallet/withdrawal", "{\"to\": \"" + to + "\", \"amount\": \"0.5\"}");
      assertThat(withdrawal.status()).as(withdrawal.body()).isEqualTo(200);
      assertThat(withdrawal.text("kind")).isEqualTo("WITHDRAW");
      assertWallet(curl, "3", "2");
      assertThat(
              curl.post("/wallet/confirm", "{\"preview\": \"" + withdrawal.text("id") + "\"}")
                  .status())
          .isEqualTo(200);
      // requested: the account still holds it until the notice has passed
      assertWallet(curl, "3", "2");
      JsonNode pending = curl.get("/wallet").json().path("pendingWithdrawal");
      assertThat(pending.path("to").asText()).isEqualToIgnoringCase(to);
      assertThat(pending.path("amount").asText()).isEqualTo("0.5");
      assertThat(pending.path("due").asBoolean()).isFalse();
      Curl.Reply early = curl.post("/wallet/withdrawal/completion", "");
      assertThat(early.status()).as(early.body()).isEqualTo(409);
      assertThat(early.code()).isEqualTo("WITHDRAWAL_NOT_DUE");
      assertThat(early.body()).contains(pending.path("completableAt").asText());

      network.client().advanceTimeOnDevChain(Deployer.Parameters.LOCAL_WITHDRAWAL_NOTICE);
      assertThat(curl.get("/wallet").json().path("pendingWithdrawal").path("due").asBoolean())
          .isTrue();
      Curl.Reply completion = curl.post("/wallet/withdrawal/completion", "");
      assertThat(completion.status()).as(completion.body()).isEqualTo(200);
      assertThat(completion.text("kind")).isEqualTo("COMPLETE_WITHDRAWAL");
      assertThat(
              curl.post("/wallet/confirm", "{\"preview\": \"" + completion.text("id") + "\"}")
                  .status())
          .isEqualTo(200);
      assertWallet(curl, "3", "1.5");
      assertThat(curl.get("/wallet").json().path("pendingWithdrawal").isNull()).isTrue();
      assertThat(
              new MystTokenContract(network.client(), network.deployment().token()).balanceOf(to))
          .isEqualTo(Myst.parse("0.5").baseUnits());
      Curl.Reply none = curl.post("/wallet/withdrawal/completion", "");
      assertThat(none.code()).isEqualTo("NO_PENDING_WITHDRAWAL");
    }
  }

  @Test
  void aRegistrationIsPreviewedAndConfirmedStepByStep() throws Exception {
    try (LocalNetwork network = LocalNetwork.start(AnvilExtension.binary(), temp, (k, a) -> {})) {
      PrivateKey key = PrivateKey.generate(new java.security.SecureRandom());
      network.fundUnregistered(key, Myst.parse("12"));
      try (ApiNode node = ApiNode.start(network, temp.resolve("node"), key, o -> o)) {
        Curl curl = node.curl;
        assertThat(curl.get("/identity").json().path("registered").asBoolean()).isFalse();
        for (int step = 0; step < 3; step++) {
          Curl.Reply preview = curl.post("/wallet/registration", "");
          assertThat(preview.status()).as(preview.body()).isEqualTo(200);
          assertThat(preview.text("kind")).isIn("APPROVE_STAKE", "REGISTER");
          assertThat(curl.get("/identity").json().path("registered").asBoolean()).isFalse();
          assertThat(
                  curl.post("/wallet/confirm", "{\"preview\": \"" + preview.text("id") + "\"}")
                      .status())
              .isEqualTo(200);
          if (preview.json().path("last").asBoolean()) {
            break;
          }
        }
        assertThat(curl.get("/identity").json().path("registered").asBoolean()).isTrue();
        JsonNode wallet = curl.get("/wallet").json();
        assertThat(wallet.path("registered").asBoolean()).isTrue();
        assertThat(new BigDecimal(wallet.path("wallet").asText()))
            .isEqualByComparingTo(
                new BigDecimal("12").subtract(new BigDecimal(wallet.path("stake").asText())));
        assertThat(curl.post("/wallet/registration", "").code()).isEqualTo("ALREADY_REGISTERED");
      }
    }
  }

  private static void assertWallet(Curl curl, String wallet, String paymentsAccount)
      throws Exception {
    JsonNode json = curl.get("/wallet").json();
    assertThat(new BigDecimal(json.path("wallet").asText()))
        .as("wallet")
        .isEqualByComparingTo(new BigDecimal(wallet));
    assertThat(new BigDecimal(json.path("paymentsAccount").asText()))
        .as("payments account")
        .isEqualByComparingTo(new BigDecimal(paymentsAccount));
    assertThat(new BigDecimal(json.path("etherWei").asText())).isPositive();
  }
}
