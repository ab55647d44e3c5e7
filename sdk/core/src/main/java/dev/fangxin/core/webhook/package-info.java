/**
 * <a href="https://www.standardwebhooks.com/">Standard Webhooks</a> signing and verification:
 * {@link dev.fangxin.core.webhook.WebhookSigner} produces the {@code webhook-id}, {@code
 * webhook-timestamp} and {@code webhook-signature} headers ({@link
 * dev.fangxin.core.webhook.WebhookHeaders}); {@link dev.fangxin.core.webhook.WebhookVerifier}
 * checks them.
 *
 * <p>The signed content is the UTF-8 bytes of {@code id + "." + timestamp + "."} followed by the
 * exact raw body bytes. {@code v1} entries are HMAC-SHA256 with a {@link
 * dev.fangxin.core.webhook.WebhookSecret} ({@code whsec_} + base64 of 24 to 64 random bytes);
 * {@code v1a} entries are Ed25519 with a {@link dev.fangxin.core.webhook.WebhookSigningKey} ({@code
 * whsk_} + base64 of the 32-byte seed) and verify with a {@link
 * dev.fangxin.core.webhook.WebhookPublicKey} ({@code whpk_} + base64 of the 32-byte public key).
 * Signatures are standard base64 with padding. Several secrets and keys may be configured at once
 * for rotation: the signer writes one entry for each, the verifier accepts a header if any entry
 * verifies with any of its secrets or keys.
 *
 * <p>Everything is built on Bouncy Castle's lightweight API; no provider is registered. Every
 * parameter and return value is non-null. Data failures are {@link
 * dev.fangxin.core.webhook.WebhookException}s; programming errors (null arguments, an empty
 * builder) are {@link java.lang.NullPointerException}s and {@link
 * java.lang.IllegalArgumentException}s or {@link java.lang.IllegalStateException}s.
 */
package dev.fangxin.core.webhook;
