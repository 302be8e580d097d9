/**
 * Http — the MAGS MCP server over Streamable HTTP, as routes on an `HttpRouter` (POST, GET and
 * DELETE at `/mcp`), which `mags serve` mounts beside its API among its authenticated routes.
 *
 * The server's token check (`server/Auth.ts` `requireGrant`: 401 without a known bearer token,
 * 429 over its rate) runs before MCP sees a request and gives it the token's grant; the grant is
 * the MCP {@link Caller}: the users it may act for (`"*"`: any) and, as the default memory, its
 * first user's (`"default"` for a grant of every user). A tool call naming a user the token does
 * not carry is a tool error `Forbidden`, with nothing written.
 *
 * @since 0.3.0
 */
import { Effect, Layer } from "effect"
import { McpServer } from "effect/ai"
import type { HttpRouter } from "effect/http"
import { CurrentGrant } from "../server/Auth.ts"
import type * as Tokens from "../server/Tokens.ts"
import { DEFAULT_PART } from "../store/MemoryStore.ts"
import { Caller, type CallerShape } from "./Caller.ts"
import { INSTRUCTIONS, NAME, protocols, registrations, VERSION } from "./Server.ts"

/** The endpoint's path. */
export const PATH = "/mcp"

/**
 * The MCP caller of a token's grant (see the module header).
 * @complexity O(1)
 */
export const callerOf = (grant: Tokens.Grant): CallerShape =>
  grant.users === "*"
    ? { users: "any", defaults: { user: DEFAULT_PART } }
    : { users: grant.users, defaults: { user: grant.users[0] ?? "" } }

/**
 * Middleware that gives each MCP request the caller of the request's grant.
 * @complexity O(1) per request
 */
export const grantCaller = McpServer.middleware<{ provides: Caller }>()((effect) =>
  Effect.gen(function*() {
    const grant = yield* CurrentGrant
    return yield* Effect.provideService(effect, Caller, callerOf(grant))
  }))

/**
 * The MCP endpoint at `path` as routes (see the module header). Needs the `HttpRouter`, the
 * request's `CurrentGrant` (the server's token middleware), the app's `Memories`, the embedder
 * and the extractor.
 * @complexity building: O(tools)
 */
export const layerHttp = (path: HttpRouter.PathInput = PATH) =>
  McpServer.layerHttp({
    name: NAME,
    version: VERSION,
    instructions: INSTRUCTIONS,
    path,
    protocols,
    allowSessionTermination: true,
    registrations: registrations.pipe(Layer.provide(grantCaller.layer))
  })

/**
 * The endpoint at {@link PATH}: what `mags serve` mounts among its authenticated routes. (Its
 * only build failure is a protocol list the server refuses, a defect here: the list is fixed.)
 */
export const httpLayer = Layer.orDie(layerHttp())
