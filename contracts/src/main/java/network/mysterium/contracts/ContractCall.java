package network.mysterium.contracts;

/**
 * One contract function call, encoded: what a transaction will carry. Built before sending so its
 * fee can be estimated and shown to the user first.
 */
public record ContractCall(String to, String data) {}
