package dev.fangxin.adapters.ecr;

/**
 * A message from the ECR to the terminal: a {@link SaleRequest} or a {@link LastResultRequest}.
 * Implementations are immutable and thread-safe.
 */
public sealed interface EcrRequest permits SaleRequest, LastResultRequest {
  /** The ECR reference number the request is about; the terminal echoes it in its response. */
  String ecrReference();
}
