/**
 * A virtual ESC/POS thermal printer: {@link dev.fangxin.adapters.virtualprinter.VirtualPrinter}
 * renders the byte stream Fangxin's command builder emits to a paper image ({@link
 * dev.fangxin.adapters.virtualprinter.RenderedPaper}, PNG), and rejects anything outside that
 * subset with a {@link dev.fangxin.adapters.virtualprinter.VirtualPrinterException} naming the
 * command and byte offset. A desktop tool: it uses {@code java.awt} and {@code javax.imageio}.
 *
 * <p>All arguments are non-null unless stated otherwise.
 */
package dev.fangxin.adapters.virtualprinter;
