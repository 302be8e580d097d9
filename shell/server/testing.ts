/**
 * testing — a real `mags serve` server for tests and the load bench: on 127.0.0.1 at an
 * ephemeral port, over an in-memory store (or a given store layer), the test embedder and the rule
 * extractor; {@link Running.journal} fingerprints every memory's journal so a test can prove a
 * refused request wrote nothing. Test and bench only: never imported by a production module.
 *
 * @since 0.3.0
 */
import { Effect, Exit, Layer, Scope } from "effect"
import { Embedder } from "../embeddings/Embedder.ts"
import { Extractor } from "../extract/Extractor.ts"
import * as MemoryController from "../loop/MemoryController.ts"
import { Memories } from "../app/Memories.ts"
import { MemoryStore } from "../store/MemoryStore.ts"
import * as Server from "./Server.ts"
import * as Tokens from "./Tokens.ts"

/** A running server. */
export interface Running {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string
  /** Every memory's id and journal (each event's seq, tag and JSON), as one string. */
  readonly journal: () => Promise<string>
  /** Stops the server and closes the memories. */
  readonly close: () => Promise<void>
}

/** Tokens for tests: alice's, bob's, and an operator's (every user). */
export const TOKENS = {
  alice: "alice-token-0123456789",
  bob: "bob-token-0123456789ab",
  operator: "operator-token-0123456"
} as const

/** The test tokens ({@link TOKENS}) with `rate` / `burst` for each. */
export const tokens = (rate = 1000, burst = 1000): ReadonlyArray<Tokens.Token> => {
  const parsed = Tokens.parseFile(JSON.stringify({
    tokens: [
      { token: TOKENS.alice, users: ["alice"], rate, burst },
      { token: TOKENS.bob, users: ["bob"], rate, burst },
      { token: TOKENS.operator, users: ["*"], rate, burst }
    ]
  }))
  if (parsed._tag === "Failure") throw new Error(parsed.failure)
  return parsed.success
}

/**
 * Starts a server with `options` (port 0 and the test tokens unless given) over `store`
 * (default: a fresh in-memory store).
 */
export const start = async <RA = never, RP = never>(
  options: Partial<Server.Options<RA, RP>> = {},
  store: Layer.Layer<MemoryStore, unknown> = MemoryStore.layerMemory,
  controller: Layer.Layer<MemoryController.MemoryController> = MemoryController.layerHand
): Promise<Running> => {
  const scope = Effect.runSync(Scope.make())
  const app = Layer.mergeAll(Memories.layer, Embedder.layerTest, Extractor.layerRules, controller).pipe(Layer.provideMerge(store))
  const full = Server.layer<RA, RP>({ port: 0, tokens: tokens(), ...options }).pipe(Layer.provideMerge(app))
  // what the mounts need beyond the server's own services is the caller's to have provided
  const context = await Effect.runPromise(Layer.buildWithScope(full as Layer.Layer<Layer.Success<typeof full>, Layer.Error<typeof full>>, scope))
  const run = <A, E>(effect: Effect.Effect<A, E, Memories | MemoryStore | import("effect/http").HttpServer.HttpServer>) =>
    Effect.runPromise(Effect.provideContext(effect, context))
  const url = await run(Server.url)
  const journal = () =>
    run(Effect.gen(function*() {
      const store = yield* MemoryStore
      const memories = yield* Memories
      const ids = [...(yield* store.list)].sort((a, b) => (a.key < b.key ? -1 : 1))
      const parts: Array<unknown> = []
      for (const id of ids) {
        const memory = yield* memories.get(id)
        const entries = yield* memory.history(0)
        parts.push([id.key, entries.map((e) => [e.seq, e.event._tag, JSON.stringify(e.event)])])
      }
      return JSON.stringify(parts)
    }))
  return { url, journal, close: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
}

/** `fetch` with a bearer token (none when `token` is undefined) and a JSON body when given. */
export const call = async (
  url: string,
  init: { readonly method?: string; readonly token?: string | undefined; readonly body?: unknown; readonly raw?: string; readonly headers?: Record<string, string> } = {}
): Promise<{ readonly status: number; readonly json: any; readonly text: string; readonly headers: Headers }> => {
  const headers: Record<string, string> = { ...(init.headers ?? {}) }
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`
  const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body))
  if (body !== undefined && headers["content-type"] === undefined) headers["content-type"] = "application/json"
  const response = await fetch(url, { method: init.method ?? (body === undefined ? "GET" : "POST"), headers, ...(body === undefined ? {} : { body }) })
  const text = await response.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, json, text, headers: response.headers }
}
