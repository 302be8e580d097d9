/**
 * Handlers — the API's endpoints (`Api.ts`) over the app's operations (`shell/app/Ops.ts`) and
 * its open memories (`shell/app/Memories.ts`).
 *
 * Every memory endpoint first checks the address (`Tenant.memoryIdOf`: an empty user is refused
 * with 400, never mapped to "default"), then that the token may act for its user (403), and only
 * then opens the memory: only ingest, hand-added facts and params create one; every other
 * endpoint answers 404 for an unknown memory. App failures become the statuses of `Errors.ts`;
 * every operation checks its input before its first commit, so a refused request writes nothing.
 *
 * @since 0.3.0
 */
import { Effect, Layer, Result } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import * as Dates from "../extract/Dates.ts"
import { type AppFailure, fail } from "../app/Failure.ts"
import { Memories } from "../app/Memories.ts"
import * as Ops from "../app/Ops.ts"
import * as Queries from "../app/Queries.ts"
import * as Tenant from "../app/Tenant.ts"
import type { Memory } from "../store/MemoryStore.ts"
import { Api } from "./Api.ts"
import { authorize, CurrentGrant } from "./Auth.ts"
import { type ApiError, fromFailure } from "./Errors.ts"
import * as Tokens from "./Tokens.ts"

/** A memory's address as the path gives it. */
interface Address {
  readonly user: string
  readonly agent: string
  readonly session: string
}

/** The memory of `address` for the current grant (400 bad address, 403 another user's, 404 unknown unless `create`). */
const open = (memories: Memories["Service"], address: Address, create: boolean) =>
  Effect.gen(function*() {
    const id = Tenant.memoryIdOf(address)
    if (Result.isFailure(id)) return yield* fromFailure(id.failure)
    yield* authorize(id.success.user)
    return yield* Effect.mapError(memories.get(id.success, { create }), fromFailure)
  })

/** `f` over the memory of `address`, its failures as API errors. */
const withMemory = <A, R>(
  memories: Memories["Service"],
  address: Address,
  create: boolean,
  f: (memory: Memory) => Effect.Effect<A, AppFailure, R>
): Effect.Effect<A, ApiError, R | CurrentGrant> =>
  Effect.flatMap(open(memories, address, create), (memory) => Effect.mapError(f(memory), fromFailure))

/** `f` over an existing memory (404 when there is none). */
const existing = <A, R>(m: Memories["Service"], a: Address, f: (memory: Memory) => Effect.Effect<A, AppFailure, R>) => withMemory(m, a, false, f)
/** `f` over the memory, created when absent (ingest, hand-added facts, params). */
const creating = <A, R>(m: Memories["Service"], a: Address, f: (memory: Memory) => Effect.Effect<A, AppFailure, R>) => withMemory(m, a, true, f)

/** Recall's `at` (YYYY[-MM[-DD]]) and `sources`, checked. */
const recallOptions = (payload: typeof import("./Api.ts").RecallInput.Type): Result.Result<Queries.RecallOptions, AppFailure> => {
  const at = payload.at === undefined ? undefined : Dates.parseIsoDate(payload.at)
  if (payload.at !== undefined && at === undefined) return Result.fail(fail("Usage", `at must be YYYY, YYYY-MM or YYYY-MM-DD, got "${payload.at}"`))
  const sources = payload.sources === undefined ? undefined : Queries.checkSources(payload.sources)
  if (sources !== undefined && !Array.isArray(sources)) return Result.fail(fail("Usage", `recall sources: ${sources.error}`))
  return Result.succeed({
    k: payload.k,
    maxResults: payload.max,
    at,
    record: payload.record ?? true,
    sources
  })
}

/** The memories group: the memories the token may use. */
export const memoriesHandlers = HttpApiBuilder.group(Api, "memories", (handlers) =>
  Effect.gen(function*() {
    const memories = yield* Memories
    return handlers.handle("list", () =>
      Effect.gen(function*() {
        const grant = yield* CurrentGrant
        const ids = yield* Effect.mapError(memories.list, fromFailure)
        return {
          memories: ids.filter((id) => Tokens.allows(grant, id.user)).map((id) => ({ user: id.user, agent: id.agent, session: id.session }))
        }
      }))
  }))

/** The memory group: one memory's operations. */
export const memoryHandlers = HttpApiBuilder.group(Api, "memory", (handlers) =>
  Effect.gen(function*() {
    const m = yield* Memories
    const state = (memory: Memory) => memory.state
    return handlers.handleAll({
      inspect: ({ params }) => existing(m, params, (memory) => Effect.map(state(memory), (s) => Ops.inspect(s))),
      ingest: ({ params, payload }) =>
        creating(m, params, (memory) => Ops.ingest(memory, payload, { speaker: payload.speaker, source: payload.source })),
      recall: ({ params, payload }) =>
        Effect.flatMap(Effect.mapError(Effect.fromResult(recallOptions(payload)), fromFailure), (options) =>
          // a memory that does not exist has nothing to recall: 404, it is not created
          existing(m, params, (memory) => Ops.recall(memory, payload.query, options))),
      connect: ({ params, query }) => existing(m, params, (memory) => Effect.flatMap(state(memory), (s) => Ops.connect(s, query.from, query.to))),
      history: ({ params, query }) => existing(m, params, (memory) => Ops.history(memory, query.target)),
      nodes: ({ params, query }) =>
        existing(m, params, (memory) => Effect.map(state(memory), (s) => ({ nodes: Ops.searchNodes(s, query.query ?? "", query.limit ?? 20) }))),
      node: ({ params }) => existing(m, params, (memory) => Effect.flatMap(state(memory), (s) => Ops.openNode(s, params.node))),
      graph: ({ params, query }) =>
        existing(m, params, (memory) => Effect.map(Ops.stateAt(memory, query.at), Ops.graph)),
      export: ({ params, query }) => existing(m, params, (memory) => Effect.flatMap(state(memory), (s) => Ops.exportGraph(s, query.format ?? "json"))),
      events: ({ params, query }) => existing(m, params, (memory) => Ops.events(memory, query.after ?? 0, query.limit ?? 500)),
      addFacts: ({ params, payload }) => creating(m, params, (memory) => Ops.addFacts(memory, payload.facts)),
      correctFact: ({ params, payload }) => existing(m, params, (memory) => Ops.correctFact(memory, params.fact, payload.object)),
      forget: ({ params, payload }) => existing(m, params, (memory) => Ops.forget(memory, payload)),
      snapshot: ({ params }) => existing(m, params, Ops.snapshot),
      rollback: ({ params, payload }) => existing(m, params, (memory) => Ops.rollback(memory, payload.seq)),
      branches: ({ params }) => existing(m, params, (memory) => Effect.map(Ops.branches(memory), (branches) => ({ branches }))),
      restoreBranch: ({ params }) => existing(m, params, (memory) => Ops.restoreBranch(memory, params.branch)),
      maintain: ({ params, payload }) => existing(m, params, (memory) => Ops.maintain(memory, { now: payload.now })),
      params: ({ params }) => existing(m, params, (memory) => Effect.map(state(memory), Ops.params)),
      setParams: ({ params, payload }) => creating(m, params, (memory) => Ops.setParams(memory, payload)),
      verify: ({ params }) => existing(m, params, Ops.verify)
    })
  }))

/** Every handler of the API; needs the open memories and, for ingest, the embedder and extractor. */
export const handlers = Layer.mergeAll(memoriesHandlers, memoryHandlers)
