/**
 * Ownership — this process as one runner of a cluster: several `mags serve` over one
 * PostgreSQL database, each memory owned by one runner at a time through a lease
 * (`Leases.ts`). The owner keeps the memory open and answers for it; the other runners forward
 * its requests to the owner (`Forward.ts`).
 *
 * - {@link OwnershipShape.route} tells where a memory is served: here (`Local`, with the lease's
 *   token) or at another runner (`Remote`, with its address). A memory nobody holds is claimed
 *   on the spot, so memories spread over the runners as requests first reach them.
 * - The leases are renewed in the background every `ttlMs / 5`. Locally a lease counts as held
 *   only until `ttlMs · 0.9` after the renewal was SENT (the database's expiry is later than
 *   that), so a runner that stalls or loses the database stops serving a memory before another
 *   runner may take it; past that, the next request claims again, and a new token (the lease
 *   changed hands or lapsed meanwhile) tells the app to drop the memory's cached state and load
 *   it afresh (`Memories.ts`).
 * - {@link OwnershipShape.fence} goes into the store (`PostgresOptions.fence`): every write
 *   checks, in its transaction, that this runner still holds the lease with that token; so even
 *   a runner that believes it owns a memory it lost cannot write to it.
 * - A memory no request has used for `idleMs` (default 2 minutes) is let go, so the renewals
 *   cost O(memories in use), not O(memories ever served); the next request claims it again (a
 *   new token: its state is loaded afresh).
 * - A runner killed without a word (kill -9, a lost machine) holds its leases until they lapse:
 *   another runner takes a memory over once the lease lapses, at most `ttlMs` after the kill, and
 *   a request waiting for it is answered within {@link takeoverBoundMs}. A runner that stops
 *   cleanly lets its leases lapse at once.
 *
 * @since 0.4.0
 */
import { Cause, Context, Deferred, Duration, Effect, Exit, Layer, Schedule, type Scope } from "effect"
import type { SqlClient } from "effect/sql/SqlClient"
import { randomBytes } from "node:crypto"
import { hostname } from "node:os"
import { type Fence, type MemoryId, StoreError } from "../store/MemoryStore.ts"
import * as Postgres from "../store/Postgres.ts"
import * as Leases from "./Leases.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/** Where a memory is served. */
export type Route =
  | { readonly _tag: "Local"; readonly token: number }
  | { readonly _tag: "Remote"; readonly owner: Leases.Owner }

/** Options of {@link Ownership.layer}. */
export interface Options {
  /** The store's database (`postgres://…`). */
  readonly url: string
  /** This runner's id (default {@link defaultRunnerId}). */
  readonly runner?: string | undefined
  /** How long a lease lasts without renewal (default {@link DEFAULT_TTL_MS}). */
  readonly ttlMs?: number | undefined
  /**
   * Claim nothing until {@link OwnershipShape.advertise} has published this runner's address
   * (default false): a runner that starts serving before it has advertised would otherwise own
   * memories the others cannot reach it for. `mags serve` sets it.
   */
  readonly claimAfterAdvertise?: boolean | undefined
  /** A memory no request has used for this long is let go (default {@link DEFAULT_IDLE_MS}), so renewals cost O(memories in use). */
  readonly idleMs?: number | undefined
}

/** Default lease length: 5 s. */
export const DEFAULT_TTL_MS = 5000
/** Default idle time after which a runner lets a memory's lease go: 2 minutes. */
export const DEFAULT_IDLE_MS = 120_000
/** The shortest lease accepted (the renewal runs every fifth of it). */
export const MIN_TTL_MS = 500

/**
 * The longest a request for a memory waits when the memory's runner died without a word just
 * before (plus the round trips to the database and the runners): the dead runner's lease lasts
 * at most `ttlMs` past the kill (it was renewed at most then), the forward to it fails within
 * `ttlMs / 2` (refused at once, or no connection within that), and the waiting runner claims
 * every `ttlMs / 10`.
 * @complexity O(1)
 */
export const takeoverBoundMs = (ttlMs: number): number => ttlMs + ttlMs / 10

/**
 * A runner id unique enough for one cluster: host name, process id and 4 random bytes.
 * @complexity O(1)
 */
export const defaultRunnerId = (): string => `${hostname()}-${process.pid}-${randomBytes(4).toString("hex")}`

/** The service's shape. */
export interface OwnershipShape {
  /** This runner's id. */
  readonly runner: string
  /** The lease length. */
  readonly ttlMs: number
  /** For the store: the token of each lease this runner holds. */
  readonly fence: Fence
  /** Where `id` is served; claims it when nobody holds it. Fails (a `StoreError`) only when the database does. */
  readonly route: (id: MemoryId) => Effect.Effect<Route, StoreError>
  /**
   * Waits (claiming every `ttlMs / 10`) until this runner holds `id` or `maxMs` have passed;
   * used when the owner does not answer (it died: its lease lapses within `ttlMs`).
   */
  readonly takeOver: (id: MemoryId, maxMs: number) => Effect.Effect<Route, StoreError>
  /** Whether a runner is registered (started and not stopped cleanly: see `Leases.registered`). */
  readonly registered: (runner: string) => Effect.Effect<boolean, StoreError>
  /** Publishes the base URL at which the other runners reach this one. */
  readonly advertise: (address: string) => Effect.Effect<void, StoreError>
  /** The leases this runner holds now (as it believes). */
  readonly held: Effect.Effect<ReadonlyArray<Leases.Held>>
}

// ── the service ───────────────────────────────────────────────────────────────

const keyOf = (id: MemoryId): string => JSON.stringify([id.user, id.agent, id.session])

interface Local {
  readonly id: MemoryId
  readonly token: number
  /** `performance.now()` when the claim that gave this token RETURNED (it committed before then). */
  readonly claimed: number
  /** `performance.now()` until which the lease counts as held here. */
  readonly until: number
  /** `performance.now()` when a request last asked for it. */
  used: number
}

/**
 * This process's ownership, over its own pool of 2 connections to `options.url` (the tables are
 * created when absent). Renews in the background; on close, lets every lease lapse.
 * @complexity route: O(1) while a lease or a recent owner lookup is fresh, else one or two statements
 */
export const make = (options: Options): Effect.Effect<OwnershipShape, StoreError, Scope.Scope> =>
  Effect.gen(function*() {
    const ttlMs = Math.max(MIN_TTL_MS, Math.floor(options.ttlMs ?? DEFAULT_TTL_MS))
    const runner = options.runner ?? defaultRunnerId()
    if (runner.trim() === "" || runner.length > 200) return yield* new StoreError({ reason: "Io", message: "a runner id must be 1 to 200 characters" })
    const sql: SqlClient = yield* Postgres.connect({ url: options.url, maxConnections: 2 })
    yield* Postgres.prepare(sql, options.url)
    const busy = yield* Leases.join(sql, runner, ttlMs)
    if (busy !== undefined) {
      return yield* new StoreError({
        reason: "Locked",
        message: `runner id ${runner} is in use by a live runner (seen ${Math.round(busy)} ms ago): choose another id, or wait ${ttlMs} ms after it stopped`
      })
    }
    const idleMs = Math.max(ttlMs, options.idleMs ?? DEFAULT_IDLE_MS)
    const valid = ttlMs * 0.9
    const every = Math.max(50, Math.floor(ttlMs / 5))
    const local = new Map<string, Local>()
    // another runner's lease, remembered for a short while (it renews every ttl/5)
    const remote = new Map<string, { readonly owner: Leases.Owner; readonly until: number }>()
    // the claim in flight for each memory: requests for one memory claim it once, while claims of
    // different memories go on side by side
    const pending = new Map<string, Deferred.Deferred<Route, StoreError>>()
    const claimOf = (id: MemoryId): Effect.Effect<Route, StoreError> =>
      Effect.suspend(() => {
        const k = keyOf(id)
        const waiting = pending.get(k)
        if (waiting !== undefined) return Deferred.await(waiting)
        const done = Deferred.makeUnsafe<Route, StoreError>()
        pending.set(k, done)
        return claimNow(id).pipe(
          Effect.onExit((exit) =>
            Effect.andThen(
              Effect.sync(() => pending.delete(k)),
              Deferred.done(done, exit._tag === "Failure" && Cause.hasInterruptsOnly(exit.cause)
                ? Exit.fail(new StoreError({ reason: "Io", message: `memory ${id.key}: its claim was interrupted` }))
                : exit)
            )
          )
        )
      })
    const advertised = Deferred.makeUnsafe<void>()
    if (options.claimAfterAdvertise !== true) Deferred.doneUnsafe(advertised, Effect.void)

    /** One claim (`retry`: once more when the other holder's lease lapsed between the two statements). */
    const claimNow = (id: MemoryId, retry = true): Effect.Effect<Route, StoreError> =>
      Effect.gen(function*() {
        const k = keyOf(id)
        const sent = performance.now()
        const token = yield* Leases.claim(sql, runner, id, ttlMs, local.get(k)?.token)
        if (token !== undefined) {
          remote.delete(k)
          local.set(k, { id, token, claimed: performance.now(), until: sent + valid, used: sent })
          return { _tag: "Local", token } as const
        }
        local.delete(k)
        const owner = yield* Leases.owner(sql, id)
        if (owner === undefined) {
          return retry
            ? yield* claimNow(id, false)
            : yield* new StoreError({ reason: "Locked", message: `memory ${id.key}: its lease changed hands twice in a row` })
        }
        remote.set(k, { owner, until: performance.now() + Math.min(owner.leftMs, every) })
        return { _tag: "Remote", owner } as const
      })

    const fresh = (id: MemoryId): Route | undefined => {
      const k = keyOf(id)
      const now = performance.now()
      const l = local.get(k)
      if (l !== undefined && l.until > now) {
        l.used = now
        return { _tag: "Local", token: l.token }
      }
      const r = remote.get(k)
      if (r !== undefined && r.until > now) return { _tag: "Remote", owner: r.owner }
      return undefined
    }

    const route = (id: MemoryId): Effect.Effect<Route, StoreError> =>
      Effect.suspend(() => {
        const r = fresh(id)
        return r !== undefined ? Effect.succeed(r) : Effect.andThen(Deferred.await(advertised), claimOf(id))
      })

    const takeOver = (id: MemoryId, maxMs: number): Effect.Effect<Route, StoreError> =>
      Effect.gen(function*() {
        const deadline = performance.now() + maxMs
        remote.delete(keyOf(id))
        for (;;) {
          const r = yield* claimOf(id)
          if (r._tag === "Local" || performance.now() >= deadline) return r
          yield* Effect.sleep(Duration.millis(Math.max(20, Math.min(ttlMs / 10, deadline - performance.now()))))
          remote.delete(keyOf(id))
        }
      })

    const renewOnce = Effect.gen(function*() {
      // idle memories first: let them go (only under the token held, so a claim made meanwhile stays)
      const idle = [...local.values()].filter((l) => l.used < performance.now() - idleMs)
      for (const l of idle) {
        local.delete(keyOf(l.id))
        yield* Leases.release(sql, runner, l.id, l.token)
      }
      const sent = performance.now()
      const kept = yield* Leases.renew(sql, runner, ttlMs)
      const tokens = new Map(kept.map((h) => [keyOf(h.id), h.token]))
      for (const [k, l] of local) {
        // a claim that returned after this renewal was sent may have committed after the renewal's
        // UPDATE ran: the renewal could not see it (one that returned before, it saw)
        if (l.claimed >= sent) continue
        const token = tokens.get(k)
        // lost (lapsed, or taken by another runner): the next request claims again
        if (token !== l.token) local.delete(k)
        else local.set(k, { ...l, until: sent + valid })
      }
    })
    yield* renewOnce.pipe(
      // a renewal that hangs (a half-open connection) must not stall the next ones
      Effect.timeout(Duration.millis(ttlMs / 2)),
      Effect.catch((e) => Effect.logWarning(`cluster: renewing the leases of runner ${runner} failed: ${e.message}`)),
      Effect.repeat(Schedule.spaced(Duration.millis(every))),
      Effect.forkScoped
    )
    // on the way out, let the leases go (bounded: a database that is gone must not hold the exit;
    // the leases then lapse by themselves)
    yield* Effect.addFinalizer(() =>
      Leases.release(sql, runner).pipe(
        Effect.timeout(Duration.seconds(3)),
        Effect.catch((e) => Effect.logWarning(`cluster: releasing the leases of runner ${runner} failed: ${e.message}`))
      )
    )

    const fence: Fence = { runner, token: (id) => local.get(keyOf(id))?.token }
    return {
      runner,
      ttlMs,
      fence,
      route,
      takeOver,
      advertise: (address) => Effect.andThen(Leases.register(sql, runner, address), Deferred.succeed(advertised, undefined)),
      registered: (other) => Leases.registered(sql, other),
      held: Effect.sync(() => [...local.values()].map((l) => ({ id: l.id, token: l.token })))
    } satisfies OwnershipShape
  })

/** This process's place in a cluster (absent: the process is not a runner). */
export class Ownership extends Context.Service<Ownership, OwnershipShape>()("mags/shell/cluster/Ownership") {
  /**
   * A runner over the database at `options.url` (see {@link make}).
   * @complexity build: a connection and the schema check
   */
  static readonly layer = (options: Options): Layer.Layer<Ownership, StoreError> => Layer.effect(Ownership, make(options))
}
