/**
 * Durable, signed webhook delivery: {@link dev.fangxin.gateway.delivery.Delivery} claims due outbox
 * rows and POSTs them with Standard Webhooks headers to the merchant's current endpoint or the
 * regulator sink, retrying by {@link dev.fangxin.gateway.delivery.Backoff} for at least 7 days and
 * 12 attempts before dead-lettering; {@link dev.fangxin.gateway.delivery.Replay} sends events again
 * with the same webhook ID; {@link dev.fangxin.gateway.delivery.DeadLetters} lists what was given
 * up. Every parameter and return value is non-null.
 */
package dev.fangxin.gateway.delivery;
