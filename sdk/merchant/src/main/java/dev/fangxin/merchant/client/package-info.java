/**
 * Answering cases: {@link dev.fangxin.merchant.client.CaseClient} reads, acknowledges and answers
 * the merchant's cases on the gateway with the merchant's API key.
 */
package dev.fangxin.merchant.client;
