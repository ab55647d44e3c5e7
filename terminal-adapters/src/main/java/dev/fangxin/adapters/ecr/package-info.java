/**
 * The link between a cash register (ECR) and a payment terminal over a serial line or any {@link
 * dev.fangxin.adapters.transport.Transport}.
 *
 * <p>Layers, each a separate class: {@link dev.fangxin.adapters.ecr.FrameCodec} frames bytes
 * ({@link dev.fangxin.adapters.ecr.FrameFormat}: STX, length, data, ETX, LRC); {@link
 * dev.fangxin.adapters.ecr.EcrLink} adds ACK/NAK, retransmission and duplicate suppression; a
 * {@link dev.fangxin.adapters.ecr.MessageCodec} ({@link dev.fangxin.adapters.ecr.TlvMessageCodec})
 * turns messages into frame data; {@link dev.fangxin.adapters.ecr.PaymentTerminal} runs a sale and
 * resolves lost responses with last-result queries, never repeating an acknowledged sale. Byte
 * formats are documented in {@code terminal-adapters/ECR.md}.
 *
 * <p>Parameters and return values are never {@code null}; failures are {@link
 * dev.fangxin.adapters.ecr.EcrException} with a stable reason.
 */
package dev.fangxin.adapters.ecr;
