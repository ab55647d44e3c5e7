package dev.fangxin.gateway.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** Builds Netty responses; the security headers are added by {@link ResponseHeadersHandler}. */
final class Responses {
  private Responses() {}

  static FullHttpResponse of(RouteResponse r, boolean keepAlive) {
    FullHttpResponse res =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(r.status()),
            Unpooled.wrappedBuffer(r.bodyNoCopy()));
    r.headers().forEach((name, value) -> res.headers().set(name, value));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
    res.headers()
        .set(
            HttpHeaderNames.CONNECTION,
            keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
    return res;
  }

  static FullHttpResponse problem(Problem p, boolean keepAlive) {
    return of(RouteResponse.problem(p), keepAlive);
  }
}
