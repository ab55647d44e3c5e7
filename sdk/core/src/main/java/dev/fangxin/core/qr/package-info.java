/**
 * QR codes for receipt dispute links: encoding ({@link dev.fangxin.core.qr.QrCode}, through ZXing's
 * encoder), rendering to PNG and SVG without {@code java.awt}, and decoding from pixels ({@link
 * dev.fangxin.core.qr.QrDecoder}, pure, Android-safe) or from image files on desktop JVMs ({@link
 * dev.fangxin.core.qr.QrImageDecoder}, the only class of this module that uses {@code java.awt}).
 *
 * <p>All arguments are non-null unless stated otherwise. Every failure is a {@link
 * dev.fangxin.core.qr.QrException} with a stable reason code {@code qr.*}.
 */
package dev.fangxin.core.qr;
