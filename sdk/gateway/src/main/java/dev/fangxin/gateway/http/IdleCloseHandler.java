package dev.fangxin.gateway.http;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Closes a connection that {@link io.netty.handler.timeout.IdleStateHandler} reports idle, unless a
 * request on it is still being processed (see {@link RouteDispatcher#busy}).
 */
@Sharable
final class IdleCloseHandler extends ChannelInboundHandlerAdapter {
  static final IdleCloseHandler INSTANCE = new IdleCloseHandler();

  private IdleCloseHandler() {}

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      RouteDispatcher d = ctx.pipeline().get(RouteDispatcher.class);
      if (d == null || !d.busy()) {
        ctx.close();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }
}
