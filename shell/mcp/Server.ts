/**
 * Server — the MAGS MCP server: the tools (`Tools.ts`) and the graph resources (`Handlers.ts`)
 * registered on effect's `McpServer`, and its stdio transport (`mags mcp`; the HTTP one is
 * `Http.ts`, mounted by `mags serve`).
 *
 * Protocol revisions: 2025-11-25 (the newest the official TypeScript SDK speaks), 2025-06-18,
 * 2025-03-26 and 2024-11-05, negotiated at `initialize`.
 *
 * Over stdio the caller is trusted (it started the process): it may address any memory of the
 * home, and its default memory is the one the shared flags and environment choose. stdout
 * carries the protocol only; logs go to stderr.
 *
 * @since 0.3.0
 */
import { Effect, Layer } from "effect"
import { McpProtocol, McpServer } from "effect/ai"
import { Caller, type CallerShape } from "./Caller.ts"
import * as Handlers from "./Handlers.ts"
import { MemoryTools } from "./Tools.ts"

/** The server's name in `initialize`. */
export const NAME = "mags"
/** The server's version in `initialize`. */
export const VERSION = "0.3.0"

/** What the server tells a client at `initialize`. */
export const INSTRUCTIONS = "MAGS is a long-term memory as a knowledge graph that learns while it is used. " +
  "Add what you learn with add_episode (text or chat messages) or add_facts; find it again with search_facts " +
  "(facts with the paths that justify them and their validity), search_nodes and open_nodes; get_history shows " +
  "how a fact changed, connect how two things relate, forget deletes for good. " +
  "The resource mags://graph is the whole active graph as JSON."

/** The protocol revisions served (newest first). */
export const protocols = [McpProtocol.v2025_11_25, McpProtocol.v2025_06_18, McpProtocol.v2025_03_26, McpProtocol.v2024_11_05] as const

/**
 * The tools and resources; each request needs its {@link Caller} (a transport's middleware
 * provides it).
 * @complexity building: O(tools)
 */
export const registrations = Layer.mergeAll(McpServer.toolkit(MemoryTools), Handlers.resourcesLayer).pipe(
  Layer.provide(Handlers.toolsLayer)
)

/**
 * Middleware that gives every request the same caller.
 * @complexity O(1) per request
 */
export const fixedCaller = (caller: CallerShape) =>
  McpServer.middleware<{ provides: Caller }>()((effect) => Effect.provideService(effect, Caller, caller))

/**
 * The MCP server over stdin / stdout for `caller` (see the module header). Needs the app's
 * `Memories`, the embedder and the extractor, and `Stdio`.
 * @complexity building: O(tools)
 */
export const layerStdio = (caller: CallerShape) =>
  McpServer.layerStdio({
    name: NAME,
    version: VERSION,
    instructions: INSTRUCTIONS,
    protocols,
    registrations: registrations.pipe(Layer.provide(fixedCaller(caller).layer))
  })
