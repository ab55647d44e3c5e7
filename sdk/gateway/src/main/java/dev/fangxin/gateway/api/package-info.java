/**
 * The gateway's HTTP APIs for clients holding API keys: {@link
 * dev.fangxin.gateway.api.RegistryRoutes} (merchants, payment tools, bindings, terminal keys, API
 * keys) and {@link dev.fangxin.gateway.api.JsonBody}, the strict JSON body parser whose 400/415/422
 * problems every route shares.
 */
package dev.fangxin.gateway.api;
