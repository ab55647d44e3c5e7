/**
 * The consumer's pages: server-rendered HTML at the dispute link in Simplified Chinese, Traditional
 * Chinese (Hong Kong) and English. {@link dev.fangxin.gateway.pages.ConsumerPages} serves the
 * landing page, the complaint form, the confirmation and the case status page over the same intake
 * and case services as the JSON API; {@link dev.fangxin.gateway.pages.Csrf} binds forms to the
 * browser; {@link dev.fangxin.gateway.pages.Photos} checks, strips and stores complaint photos;
 * {@link dev.fangxin.gateway.pages.Messages} and {@link dev.fangxin.gateway.pages.Lang} hold the
 * texts and the choice of language.
 */
package dev.fangxin.gateway.pages;
