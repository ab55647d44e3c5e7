/**
 * The gateway's registry of identities: merchants, the payment tools that take money for them, the
 * time-bounded bindings of tools to merchants, and the terminal keys that sign receipts.
 *
 * <p>Everything lives in the gateway's {@link dev.fangxin.gateway.store.Store}; all times are
 * stored as whole UTC epoch seconds. Bindings and keys are never deleted, so that an old receipt
 * still resolves to the merchant that held the tool when it was signed.
 */
package dev.fangxin.gateway.registry;
