/**
 * Receiving the gateway's webhooks: {@link dev.fangxin.merchant.webhook.WebhookReceiver} verifies
 * the Standard Webhooks signature, de-duplicates by {@code webhook-id} and hands each event to your
 * code exactly once per successful processing.
 */
package dev.fangxin.merchant.webhook;
