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
import { Context, Effect, Layer, Scope, Semaphore } from "effect"
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

/** The open memories of this process. */
export class Memories extends Context.Service<Memories, MemoriesShape>()("mags/shell/app/Memories") {
  /**
   * Memories over the `MemoryStore` in context; every memory opened is closed with the layer.
   * @complexity get: O(1) when open, else one `open` (snapshot + tail)
   */
  static readonly layer: Layer.Layer<Memories, never, MemoryStore> = Layer.effect(
    Memories,
    Effect.gen(function*() {
      const store = yield* MemoryStore
      const scope = yield* Scope.make()
      yield* Effect.addFinalizer((exit) => Scope.close(scope, exit))
      const open = new Map<string, Memory>()
      const lock = yield* Semaphore.make(1)
      const list = store.list.pipe(Effect.mapError(fromStoreError))
      const get = (id: MemoryId, options: GetOptions = {}): Effect.Effect<Memory, AppFailure> =>
        Effect.suspend(() => {
          const cached = open.get(keyOf(id))
          if (cached !== undefined) return Effect.succeed(cached)
          return lock.withPermits(1)(Effect.gen(function*() {
            const again = open.get(keyOf(id))
            if (again !== undefined) return again
            if (options.create === false) {
              const known = yield* list
              if (!known.some((k) => keyOf(k) === keyOf(id))) return yield* fail("NotFound", `no memory ${id.key}`)
            }
            const memory = yield* store.open(id).pipe(Scope.provide(scope), Effect.mapError(fromStoreError))
            open.set(keyOf(id), memory)
            return memory
          }))
        })
      return { get, list }
    })
  )
}

