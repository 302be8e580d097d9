/**
 * Handlers — what the MCP tools and resources do: each resolves the memory the call addresses
 * (the {@link Caller}'s defaults and the call's `user` / `agent` / `session`, see `Caller.ts`),
 * takes it from the process's open `Memories`, and runs the app's operation (`app/Ops.ts`) —
 * the same code the CLI and the HTTP API run. Reads never create a memory: a read of a memory
 * the store does not have fails with `NotFound`.
 *
 * Every `AppFailure` becomes a {@link ToolFailure} (`isError: true`, text `<Kind>: <message>`);
 * the operations check their whole input before they commit, so a failed call writes nothing.
 *
 * Resources: `mags://graph` (the caller's default memory) and `mags://graph/{user}/{agent}/{session}`,
 * the active graph as JSON `{ seq, nodes: NodeView[], edges: FactView[] }` (`Ops.graph`).
 *
 * @since 0.3.0
 */
import { Effect, Layer, Result, Schema } from "effect"
import { McpSchema, McpServer } from "effect/ai"
import { type AppFailure, fail } from "../app/Failure.ts"
import * as Input from "../app/Input.ts"
import { type GetOptions, Memories } from "../app/Memories.ts"
import * as Ops from "../app/Ops.ts"
import type { Embedder } from "../embeddings/Embedder.ts"
import type { Extractor } from "../extract/Extractor.ts"
import type { Memory } from "../store/MemoryStore.ts"
import { type Address, Caller, memoryOf } from "./Caller.ts"
import { MemoryTools, ToolFailure } from "./Tools.ts"

/** The tool failure of an app failure (see the module header). @complexity O(|message|) */
export const toolFailure = (e: AppFailure): ToolFailure => new ToolFailure({ kind: e.kind, message: `${e.kind}: ${e.message}` })

/** The default number of nodes `search_nodes` answers. */
export const DEFAULT_NODE_LIMIT = 10

const existing: GetOptions = { create: false }

/**
 * A world time as the tools take it (ms, or ISO 8601 in UTC) in ms; `Usage` when unreadable.
 * @complexity O(|written|)
 */
export const worldTime = (written: number | string): Result.Result<number, AppFailure> => {
  const ms = typeof written === "number" ? written : Input.parseWorldTime(written)
  return ms === undefined || !Number.isFinite(ms) || Math.abs(ms) > Input.WORLD_TIME_LIMIT_MS
    ? Result.fail(fail("Usage", `not a world time: ${JSON.stringify(written)} (ms since the epoch, or ISO 8601 such as "2023-05-07")`))
    : Result.succeed(ms)
}

/**
 * The tools' handlers over the process's open memories.
 * @complexity building: O(1); each call: that of its operation
 */
export const toolsLayer = MemoryTools.toLayer(Effect.gen(function*() {
  const memories = yield* Memories
  const context = yield* Effect.context<Embedder | Extractor>()

  /** Runs `f` on the memory `args` address (created for writes only). */
  const onMemory = <A>(
    args: Address,
    f: (memory: Memory) => Effect.Effect<A, AppFailure, Embedder | Extractor>,
    options: GetOptions = {}
  ): Effect.Effect<A, ToolFailure, Caller> =>
    Effect.gen(function*() {
      const id = memoryOf(yield* Caller, args)
      if (Result.isFailure(id)) return yield* id.failure
      const memory = yield* memories.get(id.success, options)
      return yield* f(memory)
    }).pipe(Effect.provideContext(context), Effect.mapError(toolFailure))

  return MemoryTools.of({
    add_episode: (args) =>
      onMemory(args, (memory) =>
        (args.text === undefined) === (args.messages === undefined)
          ? Effect.fail(fail("Usage", "give exactly one of text or messages"))
          : Ops.ingest(memory, { text: args.text, messages: args.messages }, { speaker: args.speaker, source: args.source })),

    add_facts: (args) => onMemory(args, (memory) => Ops.addFacts(memory, args.facts)),

    search_facts: (args) =>
      onMemory(args, (memory) =>
        Effect.flatMap(
          Effect.fromResult(args.at === undefined ? Result.succeed(undefined) : worldTime(args.at)),
          (at) => Ops.recall(memory, args.query, { maxResults: args.max_facts, at, record: args.record })
        ), existing),

    search_nodes: (args) =>
      onMemory(args, (memory) =>
        Effect.map(memory.state, (state) => ({ nodes: Ops.searchNodes(state, args.query, args.limit ?? DEFAULT_NODE_LIMIT) })), existing),

    open_nodes: (args) =>
      onMemory(args, (memory) =>
        Effect.flatMap(memory.state, (state) => {
          const found = args.names.map((name) => ({ name, nodes: Ops.openNodes(state, [name]) }))
          const nodes = found.flatMap((f) => f.nodes)
          const missing = found.filter((f) => f.nodes.length === 0).map((f) => f.name)
          return nodes.length === 0
            ? Effect.fail(fail("NotFound", `not in memory: ${missing.map((n) => JSON.stringify(n)).join(", ")}`))
            : Effect.succeed({ nodes, missing })
        }), existing),

    get_history: (args) => onMemory(args, (memory) => Ops.history(memory, args.target), existing),

    connect: (args) => onMemory(args, (memory) => Effect.flatMap(memory.state, (state) => Ops.connect(state, args.from, args.to)), existing),

    forget: (args) =>
      onMemory(args, (memory) =>
        Ops.forget(memory, { fact: args.fact, node: args.node, episode: args.episode, all: args.all }), existing)
  })
}))

const graphJson = (args: Address): Effect.Effect<string, ToolFailure, Caller | Memories> =>
  Effect.gen(function*() {
    const memories = yield* Memories
    const id = memoryOf(yield* Caller, args)
    if (Result.isFailure(id)) return yield* id.failure
    const memory = yield* memories.get(id.success, existing)
    return JSON.stringify(Ops.graph(yield* memory.state))
  }).pipe(Effect.mapError(toolFailure))

const Part = Schema.String

/**
 * The graph resources (see the module header).
 * @complexity building: O(1); each read: `Ops.graph` of the memory
 */
export const resourcesLayer = Layer.unwrap(Effect.gen(function*() {
  const memories = yield* Memories
  const withMemories = Effect.provideService(Memories, memories)
  return Layer.mergeAll(
    McpServer.resource({
      uri: "mags://graph",
      name: "graph",
      description: "The active graph of the caller's memory: { seq, nodes, edges } (nodes and fact edges as the tools show them)",
      mimeType: "application/json",
      content: withMemories(graphJson({}))
    }),
    McpServer.resource`mags://graph/${McpSchema.param("user", Part)}/${McpSchema.param("agent", Part)}/${McpSchema.param("session", Part)}`({
      name: "graph of a memory",
      description: "The active graph of the memory user / agent / session, as JSON { seq, nodes, edges }",
      mimeType: "application/json",
      content: (_uri, user, agent, session) => withMemories(graphJson({ user, agent, session }))
    })
  )
}))
