package dev.fangxin.gateway.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;

/**
 * {@link HttpObjectAggregator} bounded by the body limit that answers an oversized body with a 413
 * problem (instead of Netty's empty 413) and then closes the connection, since the rest of the body
 * is still on the wire. The aggregator releases {@code oversized} itself.
 */
final class ProblemAggregator extends HttpObjectAggregator {
  private final int maxBody;

  ProblemAggregator(int maxBody) {
    super(maxBody);
    this.maxBody = maxBody;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    String instance =
        oversized instanceof HttpRequest ? pathOf(((HttpRequest) oversized).uri()) : null;
    Problem p =
        Problem.of(
            "http.payload_too_large",
            413,
            "The request body is larger than the limit of " + maxBody + " bytes.");
    if (instance != null) {
      p = p.withInstance(instance);
    }
    LingeringClose.after(ctx.writeAndFlush(Responses.problem(p, false)));
  }

  static String pathOf(String uri) {
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q);
  }
}
