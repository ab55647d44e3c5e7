/**
 * The gateway's HTTP APIs for clients holding API keys: {@link
 * dev.fangxin.gateway.api.RegistryRoutes} (merchants, payment tools, bindings, terminal keys, API
 * keys), parsing bodies with the gateway's one strict JSON parser, {@link
 * dev.fangxin.gateway.http.JsonBody}, whose 400/415/422 problems every registry route shares.
 */
package dev.fangxin.gateway.api;
