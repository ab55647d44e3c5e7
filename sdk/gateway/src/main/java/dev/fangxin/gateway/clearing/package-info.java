/**
 * Clearing data and the routes from a payment's trace to the merchant: acquirers and their signed
 * push hook ({@link dev.fangxin.gateway.clearing.Acquirers}, {@link
 * dev.fangxin.gateway.clearing.HookSignature}), the stored clearing records ({@link
 * dev.fangxin.gateway.clearing.ClearingRecords}), the pull hook ({@link
 * dev.fangxin.gateway.clearing.ClearingLookup}) and trace routing ({@link
 * dev.fangxin.gateway.clearing.TraceRouter}).
 */
package dev.fangxin.gateway.clearing;
