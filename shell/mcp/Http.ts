/**
 * Http — the MAGS MCP server over Streamable HTTP, as routes on an `HttpRouter` (POST, GET and
 * DELETE at `/mcp` by default), for `mags serve` to mount beside its API.
 *
 * The caller of each request comes from its headers through `options.caller` (the server's
 * bearer-token table): the users the token may act for and its default user. A request with no
 * caller is refused with the JSON-RPC error {@link Unauthorized} (code -32001) before any tool or
 * resource runs; the server in front should already have answered 401 (this is a second line).
 * A tool call for a user the token does not carry is a tool error `Forbidden`, nothing written.
 *
 * @since 0.3.0
 */
import { Effect, Layer, Schema } from "effect"
import { McpSchema, McpServer } from "effect/ai"
import type { Headers, HttpRouter } from "effect/http"
import { Caller, type CallerShape } from "./Caller.ts"
import { INSTRUCTIONS, NAME, protocols, registrations, VERSION } from "./Server.ts"

/** The JSON-RPC error of a request without a (valid) bearer token. */
export class Unauthorized extends Schema.Error<Unauthorized>("mags/shell/mcp/Unauthorized")({
  ...McpSchema.McpErrorBase.fields,
  _tag: Schema.tag("Unauthorized"),
  code: Schema.tag(-32001)
}) {}

/** The default path of the endpoint. */
export const PATH = "/mcp"

/** Options of {@link layerHttp}. */
export interface Options {
  /** Where the endpoint answers (default {@link PATH}). */
  readonly path?: HttpRouter.PathInput | undefined
  /** The caller of a request, from its headers; `undefined` refuses it. */
  readonly caller: (headers: Headers.Headers) => Effect.Effect<CallerShape | undefined>
}

/**
 * The bearer token of a request's headers (`Authorization: Bearer <token>`), if any.
 * @complexity O(|header|)
 */
export const bearer = (headers: Headers.Headers): string | undefined => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers["authorization"] ?? "")
  return match === null ? undefined : match[1]
}

/**
 * Middleware that gives each request the caller its headers name, or refuses it.
 * @complexity that of `caller` per request
 */
export const headerCaller = (caller: Options["caller"]) =>
  McpServer.middleware<{ provides: Caller }>()((effect, { headers }) =>
    Effect.flatMap(caller(headers), (c) =>
      c === undefined
        ? Effect.fail(new Unauthorized({ message: "unauthorized: send Authorization: Bearer <token>" }))
        : Effect.provideService(effect, Caller, c)))

/**
 * The MCP endpoint as routes (see the module header). Needs the `HttpRouter`, the app's
 * `Memories`, the embedder and the extractor.
 * @complexity building: O(tools)
 */
export const layerHttp = (options: Options) =>
  McpServer.layerHttp({
    name: NAME,
    version: VERSION,
    instructions: INSTRUCTIONS,
    path: options.path ?? PATH,
    protocols,
    allowSessionTermination: true,
    registrations: registrations.pipe(Layer.provide(headerCaller(options.caller).layer))
  })
