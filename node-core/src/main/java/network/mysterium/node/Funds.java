package network.mysterium.node;

/** The node's money: the wallet's balances and what sharing earned, as last read from the chain. */
public record Funds(NodeWallet.Balances balances, NodeSharing.Earnings earnings) {}
