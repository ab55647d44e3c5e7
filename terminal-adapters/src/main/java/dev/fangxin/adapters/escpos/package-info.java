/**
 * ESC/POS receipt printing: {@link dev.fangxin.adapters.escpos.EscPos} builds command bytes (pure,
 * no I/O), {@link dev.fangxin.adapters.escpos.ReceiptLayout} lays out a signed receipt with its
 * dispute QR for a {@link dev.fangxin.adapters.escpos.PrinterProfile}, and {@link
 * dev.fangxin.adapters.escpos.EscPosPrinter} checks a printer's status and sends the job over a
 * {@link dev.fangxin.adapters.transport.Transport}. The exact command subset is in {@code
 * terminal-adapters/ESCPOS.md}.
 *
 * <p>Arguments and return values are non-null unless documented otherwise. Every failure on purpose
 * is a {@link dev.fangxin.adapters.escpos.PrinterException} with a stable reason code.
 */
package dev.fangxin.adapters.escpos;
