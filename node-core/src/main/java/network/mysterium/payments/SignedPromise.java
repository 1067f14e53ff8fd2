package network.mysterium.payments;

import network.mysterium.crypto.Signature;

/** A promise with its issuer's EIP-712 signature, as the Payments contract verifies it. */
public record SignedPromise(Promise promise, Signature signature) {}
