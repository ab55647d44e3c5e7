/**
 * Money as an integer number of minor units plus an ISO 4217 numeric currency code.
 *
 * <p>No floating point is used anywhere in this package. Values are immutable and thread-safe;
 * failures throw {@link dev.fangxin.core.money.MoneyException}. Parameters and return values are
 * never {@code null}.
 */
package dev.fangxin.core.money;
