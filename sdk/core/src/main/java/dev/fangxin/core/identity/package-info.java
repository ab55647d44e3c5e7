/**
 * A terminal's identity: its current and retired signing keys in one password-protected PKCS#12
 * file ({@link dev.fangxin.core.identity.TerminalIdentity}), key rotation, and PKCS#10
 * certification requests for registering the current key.
 *
 * <p>Every parameter and return value is non-null unless documented otherwise. Failures are {@link
 * dev.fangxin.core.identity.IdentityException}s with a stable reason.
 */
package dev.fangxin.core.identity;
