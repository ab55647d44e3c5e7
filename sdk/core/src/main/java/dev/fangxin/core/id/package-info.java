/**
 * Identifiers of merchants, payment tools and payments as validated value types.
 *
 * <p>Every type here is an immutable, thread-safe {@code final} class with a private constructor
 * and a static factory ({@code of}, sometimes {@code parse}) that validates its input and throws
 * {@link dev.fangxin.core.id.InvalidIdentifierException} with a sentence saying which identifier
 * was wrong, what was wrong and what was expected. {@code toString()} and {@code value()} return
 * the canonical form; equal canonical forms are equal values.
 *
 * <p>Parameters and return values are never {@code null}: a {@code null} argument throws {@link
 * java.lang.NullPointerException} with a message such as {@code "value == null"}. Accessors that
 * may have nothing to report return an empty string, never {@code null}.
 *
 * <p>Card numbers: only {@link dev.fangxin.core.id.MaskedPan} deals with them, and its exception
 * messages never repeat the digits they were given.
 */
package dev.fangxin.core.id;
