/**
 * Memories — the open memories of a long-lived process (the HTTP and MCP servers; the CLI too):
 * each memory is opened once, on first use, and kept open until the service's layer closes, so
 * a request does not pay for loading a snapshot and replaying a tail.
 *
 * `get(id)` opens (creating when absent) and caches; `get(id, { create: false })` fails with
 * `NotFound` for a memory the store does not have (a read must not create one). `list` gives the
 * ids in the store. Concurrent first `get`s of one id open it once.
 *
 * @since 0.3.0
 */
import { Context, Effect, Exit, Layer, Option, Scope, Semaphore } from "effect"
import { Ownership } from "../cluster/Ownership.ts"
import { type Memory, type MemoryId, MemoryStore } from "../store/MemoryStore.ts"
import { type AppFailure, fail, fromStoreError } from "./Failure.ts"

/** Options of `get`. */
export interface GetOptions {
  /** Create the memory when the store has none (default true); false → `NotFound`. */
  readonly create?: boolean
}

/** The service's shape. */
export interface MemoriesShape {
  /** The memory of `id`, opened once and kept open. */
  readonly get: (id: MemoryId, options?: GetOptions) => Effect.Effect<Memory, AppFailure>
  /** Every memory in the store. */
  readonly list: Effect.Effect<ReadonlyArray<MemoryId>, AppFailure>
}

const keyOf = (id: MemoryId): string => JSON.stringify([id.user, id.agent, id.session])

/** A memory held open, in its own scope (closed when it is dropped), with the lease token it was opened under. */
interface Open {
  readonly memory: Memory
  readonly scope: Scope.Closeable
  readonly token: number | undefined
}

/** The open memories of this process. */
export class Memories extends Context.Service<Memories, MemoriesShape>()("mags/shell/app/Memories") {
  /**
   * Memories over the `MemoryStore` in context; every memory opened is closed with the layer.
   *
   * In a cluster (an `Ownership` in context: `mags serve` over PostgreSQL) `get` first asks where
   * the memory is served: a memory another runner owns fails `Locked` naming it (the HTTP API
   * forwards such requests before they get here, `shell/cluster/Forward.ts`); a memory this
   * runner holds under a NEW token (it changed hands, or the lease lapsed, since it was opened)
   * is closed and loaded afresh, so no state cached under an older lease is ever served.
   * @complexity get: O(1) when open (and, in a cluster, the lease fresh), else one `open` (snapshot + tail)
   */
  static readonly layer: Layer.Layer<Memories, never, MemoryStore> = Layer.effect(
    Memories,
    Effect.gen(function*() {
      const store = yield* MemoryStore
      const ownership = yield* Effect.serviceOption(Ownership)
      const scope = yield* Scope.make()
      yield* Effect.addFinalizer((exit) => Scope.close(scope, exit))
      const open = new Map<string, Open>()
      const lock = yield* Semaphore.make(1)
      const list = store.list.pipe(Effect.mapError(fromStoreError))

      const drop = (key: string) =>
        Effect.suspend(() => {
          const was = open.get(key)
          if (was === undefined) return Effect.void
          open.delete(key)
          return Scope.close(was.scope, Exit.void)
        })

      const load = (id: MemoryId, options: GetOptions, token: number | undefined): Effect.Effect<Memory, AppFailure> =>
        lock.withPermits(1)(Effect.gen(function*() {
          const key = keyOf(id)
          const again = open.get(key)
          if (again !== undefined && again.token === token) return again.memory
          yield* drop(key)
          if (options.create === false) {
            const known = yield* list
            if (!known.some((k) => keyOf(k) === key)) return yield* fail("NotFound", `no memory ${id.key}`)
          }
          const own = yield* Scope.fork(scope)
          const memory = yield* store.open(id).pipe(
            Scope.provide(own),
            Effect.mapError(fromStoreError),
            Effect.onError(() => Scope.close(own, Exit.void))
          )
          open.set(key, { memory, scope: own, token })
          return memory
        }))

      const get = (id: MemoryId, options: GetOptions = {}): Effect.Effect<Memory, AppFailure> => {
        if (Option.isNone(ownership)) {
          return Effect.suspend(() => {
            const cached = open.get(keyOf(id))
            return cached !== undefined ? Effect.succeed(cached.memory) : load(id, options, undefined)
          })
        }
        const owner = ownership.value
        return Effect.flatMap(Effect.mapError(owner.route(id), fromStoreError), (route) => {
          if (route._tag === "Remote") {
            return Effect.andThen(
              lock.withPermits(1)(drop(keyOf(id))),
              fail("Locked", `memory ${id.key} is owned by runner ${route.owner.runner}${route.owner.address === undefined ? "" : ` (${route.owner.address})`}; send the request there`)
            )
          }
          const cached = open.get(keyOf(id))
          return cached !== undefined && cached.token === route.token ? Effect.succeed(cached.memory) : load(id, options, route.token)
        })
      }
      return { get, list }
    })
  )
}
