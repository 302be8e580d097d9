/**
 * Leases — the statements by which the runners of a cluster (several `mags serve` over one
 * PostgreSQL database) share out its memories: each memory has at most one live lease, held by
 * one runner until its expiry, with a fencing token that grows every time the lease changes
 * hands (or lapses and is taken again). The tables live beside the store's (`Postgres.ts`):
 *
 * ```sql
 * mags_runners(runner PRIMARY KEY, address, started, seen)         -- who serves, where
 * mags_leases("user", agent, session PRIMARY KEY, runner, token, expires)
 * ```
 *
 * All times are the DATABASE's clock (`clock_timestamp()`), so runners on machines whose clocks
 * disagree still agree on when a lease lapses. A lease row is never deleted: a released lease
 * just expires now, so a memory's token never goes back.
 *
 * Laws (checked against a real server in `Cluster.test.ts`):
 * - at any instant at most one runner's `claim` of a memory has succeeded for a live lease;
 * - `claim` by the holder of a live lease keeps its token (a renewal); any other successful
 *   `claim` returns a token greater than every token the memory had;
 * - `renew` extends exactly the live leases of the runner and returns them; a lease it does not
 *   return is lost;
 * - a write to the store checks the lease in its own transaction (`Postgres.ts`, `Fence`), and a
 *   `claim` that changes the holder must update the row that check share-locks: so no write of a
 *   former holder commits after a takeover commits.
 *
 * @since 0.4.0
 */
import { Effect } from "effect"
import type { SqlClient } from "effect/sql/SqlClient"
import { classify, num, read, str } from "../store/Postgres.ts"
import { MemoryId, type StoreError } from "../store/MemoryStore.ts"

type Row = { readonly [k: string]: unknown }

/** A live lease as another runner sees it. */
export interface Owner {
  readonly runner: string
  readonly token: number
  /** The runner's advertised base URL (`undefined` when it has not registered one). */
  readonly address: string | undefined
  /** Milliseconds left before the lease lapses unless renewed (database clock). */
  readonly leftMs: number
}

/** A lease a runner holds. */
export interface Held {
  readonly id: MemoryId
  readonly token: number
}

/** A statement's failures (a reader's "Corrupt" included: see `Postgres.read`) as `StoreError`s. */
const run = <A>(self: Effect.Effect<A, unknown>): Effect.Effect<A, StoreError> => Effect.mapError(self, classify)

/**
 * Records a starting runner (no address yet), refusing an id a live runner uses: one seen in
 * the last `ttlMs` (runners mark themselves seen at every renewal). Gives how long ago that
 * runner was seen when refused, else `undefined`.
 * @complexity one statement
 */
export const join = (sql: SqlClient, runner: string, ttlMs: number): Effect.Effect<number | undefined, StoreError> =>
  run(Effect.gen(function*() {
    const rows = yield* sql.unsafe<Row>(
      `INSERT INTO mags_runners (runner, address) VALUES ($1, '')
       ON CONFLICT (runner) DO UPDATE SET address = '', started = clock_timestamp(), seen = clock_timestamp()
       WHERE mags_runners.seen < clock_timestamp() - $2::double precision * interval '1 millisecond'
       RETURNING runner`,
      [runner, ttlMs]
    )
    if (rows.length > 0) return undefined
    return yield* read(
      sql.unsafe<Row>(`SELECT extract(epoch FROM (clock_timestamp() - seen)) * 1000 AS ago FROM mags_runners WHERE runner = $1`, [runner]),
      (seen) => Math.max(0, num(seen[0]?.["ago"] ?? 0))
    )
  }))

/**
 * Whether `runner` is registered: it started and has not stopped cleanly (a clean stop removes
 * it, after the requests it had in flight were answered).
 * @complexity one statement
 */
export const registered = (sql: SqlClient, runner: string): Effect.Effect<boolean, StoreError> =>
  run(read(sql.unsafe<Row>(`SELECT 1 FROM mags_runners WHERE runner = $1`, [runner]), (rows) => rows.length > 0))

/**
 * Records the base URL at which the other runners reach `runner` (again: updates it).
 * @complexity one statement
 */
export const register = (sql: SqlClient, runner: string, address: string): Effect.Effect<void, StoreError> =>
  run(sql.unsafe(
    `INSERT INTO mags_runners (runner, address) VALUES ($1, $2)
     ON CONFLICT (runner) DO UPDATE SET address = EXCLUDED.address, seen = clock_timestamp()`,
    [runner, address]
  ).pipe(Effect.asVoid))

/**
 * Takes the memory's lease for `ttlMs` when nobody else holds it live; gives the token, or
 * `undefined` when another runner holds it live. The token stays when `runner` holds the lease
 * live with token `held` (a renewal); in every other case it grows, also when the lease was
 * `runner`'s own but lapsed or is claimed without its token (a second process started with the
 * same runner id), so whoever held the old token is fenced off.
 * @complexity one statement (an upsert on the primary key)
 */
export const claim = (sql: SqlClient, runner: string, id: MemoryId, ttlMs: number, held?: number): Effect.Effect<number | undefined, StoreError> =>
  run(read(
    sql.unsafe<Row>(
      `INSERT INTO mags_leases ("user", agent, session, runner, token, expires)
       VALUES ($1, $2, $3, $4, 1, clock_timestamp() + $5::double precision * interval '1 millisecond')
       ON CONFLICT ("user", agent, session) DO UPDATE SET
         token = CASE WHEN mags_leases.runner = EXCLUDED.runner AND mags_leases.expires > clock_timestamp() AND mags_leases.token = $6
                      THEN mags_leases.token ELSE mags_leases.token + 1 END,
         runner = EXCLUDED.runner,
         expires = EXCLUDED.expires
       WHERE mags_leases.runner = EXCLUDED.runner OR mags_leases.expires <= clock_timestamp()
       RETURNING token`,
      [id.user, id.agent, id.session, runner, ttlMs, held ?? -1]
    ),
    (rows) => (rows[0] === undefined ? undefined : num(rows[0]["token"]))
  ))

/**
 * The live lease of a memory and its holder's address; `undefined` when none is live.
 * @complexity one statement
 */
export const owner = (sql: SqlClient, id: MemoryId): Effect.Effect<Owner | undefined, StoreError> =>
  run(read(
    sql.unsafe<Row>(
      `SELECT l.runner, l.token, r.address,
              extract(epoch FROM (l.expires - clock_timestamp())) * 1000 AS left_ms
       FROM mags_leases l LEFT JOIN mags_runners r ON r.runner = l.runner
       WHERE l."user" = $1 AND l.agent = $2 AND l.session = $3 AND l.expires > clock_timestamp()`,
      [id.user, id.agent, id.session]
    ),
    (rows) => {
      const r = rows[0]
      if (r === undefined) return undefined
      return {
        runner: str(r["runner"]),
        token: num(r["token"]),
        // '' while the runner starts, before it has advertised
        address: typeof r["address"] === "string" && r["address"] !== "" ? r["address"] : undefined,
        leftMs: Math.max(0, num(r["left_ms"]))
      }
    }
  ))

/**
 * Extends every live lease of `runner` by `ttlMs` and marks the runner seen; gives the leases
 * it still holds (one it believed it held and is not among them is lost).
 * @complexity one statement per table, O(leases of the runner)
 */
export const renew = (sql: SqlClient, runner: string, ttlMs: number): Effect.Effect<ReadonlyArray<Held>, StoreError> =>
  run(Effect.gen(function*() {
    const held = yield* read(
      sql.unsafe<Row>(
        `UPDATE mags_leases SET expires = clock_timestamp() + $2::double precision * interval '1 millisecond'
         WHERE runner = $1 AND expires > clock_timestamp()
         RETURNING "user", agent, session, token`,
        [runner, ttlMs]
      ),
      (rows) =>
        rows.map((r): Held => ({
          id: new MemoryId({ user: str(r["user"]), agent: str(r["agent"]), session: str(r["session"]) }),
          token: num(r["token"])
        }))
    )
    yield* sql.unsafe(`UPDATE mags_runners SET seen = clock_timestamp() WHERE runner = $1`, [runner])
    return held
  }))

/**
 * Lets the runner's leases lapse now (all of them, or the one of `id`, when it still has
 * `token`), so another runner may take them at once; with no `id`, also removes the runner's
 * address.
 * @complexity one statement per table
 */
export const release = (sql: SqlClient, runner: string, id?: MemoryId, token?: number): Effect.Effect<void, StoreError> =>
  run(Effect.gen(function*() {
    if (id === undefined) {
      yield* sql.unsafe(`UPDATE mags_leases SET expires = clock_timestamp() WHERE runner = $1 AND expires > clock_timestamp()`, [runner])
      yield* sql.unsafe(`DELETE FROM mags_runners WHERE runner = $1`, [runner])
    } else {
      yield* sql.unsafe(
        `UPDATE mags_leases SET expires = clock_timestamp()
         WHERE runner = $1 AND "user" = $2 AND agent = $3 AND session = $4 AND expires > clock_timestamp()
           AND ($5::bigint IS NULL OR token = $5::bigint)`,
        [runner, id.user, id.agent, id.session, token ?? null]
      )
    }
  }))
