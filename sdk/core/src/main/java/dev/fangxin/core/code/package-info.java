/**
 * A merchant's static collection code ("reassured consumption" sticker): a signed claim naming the
 * collection code's own key, and the {@code <BASE>/M/<TOKEN>} link printed in its QR code
 * (protocol/SPEC.md §15). Scanning it lets a consumer name a payment by time and amount; the key
 * names the payment tool and the binding valid at the payment's time names the merchant, so the
 * code never carries a merchant identity of its own.
 */
package dev.fangxin.core.code;
