package dev.fangxin.adapters.ecr;

/**
 * A message from the terminal to the ECR: a {@link SaleResponse} or a {@link LastResultResponse}.
 * Implementations are immutable and thread-safe.
 */
public sealed interface EcrResponse permits SaleResponse, LastResultResponse {
  /** The ECR reference number of the request this answers. */
  String ecrReference();
}
