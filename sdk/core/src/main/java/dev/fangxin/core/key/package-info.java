/**
 * Terminal keys and signatures: {@link dev.fangxin.core.key.SignatureAlgorithm} (SM2 with SM3,
 * ECDSA P-256 with SHA-256, Ed25519), {@link dev.fangxin.core.key.TerminalKeyPair} to sign, {@link
 * dev.fangxin.core.key.TerminalPublicKey} to verify, {@link dev.fangxin.core.key.KeyId} (first 8
 * bytes of SHA-256 over the DER SubjectPublicKeyInfo) and {@link dev.fangxin.core.key.Pem}.
 *
 * <p>Signatures are raw 64 bytes over exact byte strings and verify with OpenSSL 3 from the command
 * line. Everything is built on Bouncy Castle's lightweight API with the curves of {@code
 * CustomNamedCurves}; the JDK's own EC and EdDSA code is never used (several times slower). No
 * provider is registered.
 *
 * <p>Every parameter and return value is non-null unless documented otherwise. Failures are {@link
 * dev.fangxin.core.key.KeyException}s, except that verification answers {@code false}.
 */
package dev.fangxin.core.key;
