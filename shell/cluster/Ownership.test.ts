/**
 * The laws of the leases (`Leases.ts`) and of a runner's ownership (`Ownership.ts`) on a
 * throwaway PostgreSQL server, in process (two runners = two `Ownership`s with their own pools):
 * one live holder at a time, tokens that only grow, renewal by the holder keeps its token;
 * fencing — a runner whose lease was taken over cannot write (nothing is written), a plain
 * client cannot write a memory a runner holds; and the app's `Memories` drops a memory's cached
 * state when it holds it under a new token, so it never serves a state older than another
 * runner's writes. Skips, with the reason printed, where no PostgreSQL binaries exist.
 */
import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Exit, Fiber, Layer, Scope } from "effect"
import { afterAll } from "vitest"
import * as Event from "../../core/Event.ts"
import { Memories } from "../app/Memories.ts"
import * as Journal from "../store/Journal.ts"
import { MemoryId, MemoryStore } from "../store/MemoryStore.ts"
import * as Postgres from "../store/Postgres.ts"
import * as PgServer from "../testing/PgServer.ts"
import * as Leases from "./Leases.ts"
import * as Ownership from "./Ownership.ts"

const skip = PgServer.skipReason()
if (skip !== undefined) console.warn(skip)

const pg = PgServer.shared()
afterAll(pg.close)

const alice = MemoryId.fromParts({ user: "alice" })

const fact = (k: number): Event.Event =>
  new Event.Engrammed({
    now: 1000 + k,
    input: { entities: [{ label: `w${k}`, embedding: [1, 0, 0] }, { label: `x${k}`, embedding: [0, 1, 0] }], facts: [{ subject: `w${k}`, relation: "knows", object: `x${k}` }] }
  })

/** The app's `Memories` of a runner, as `mags serve` builds them: over a store fenced by its ownership. */
const memoriesOf = (url: string, ownership: Ownership.OwnershipShape) =>
  Effect.map(
    Layer.build(Memories.layer.pipe(
      Layer.provide(MemoryStore.layerPostgres({ url, fence: ownership.fence })),
      Layer.provide(Layer.succeed(Ownership.Ownership, ownership))
    )),
    (context) => Context.get(context, Memories)
  )

describe.skipIf(skip !== undefined)("cluster ownership", () => {
  it.live("claim: one live holder; the holder's claim keeps its token; a claim after the lease lapses or is released gets a greater token", () =>
    Effect.gen(function*() {
      const url = yield* Effect.orDie(pg.database("leases"))
      const sql = yield* Postgres.connect({ url })
      yield* Postgres.prepare(sql, url)
      const t1 = yield* Leases.claim(sql, "a", alice, 60_000)
      assert.strictEqual(t1, 1)
      assert.strictEqual(yield* Leases.claim(sql, "a", alice, 60_000, t1), 1)
      assert.isUndefined(yield* Leases.claim(sql, "b", alice, 60_000))
      const owner = yield* Leases.owner(sql, alice)
      assert.strictEqual(owner?.runner, "a")
      assert.isAbove(owner!.leftMs, 50_000)
      // renew returns exactly the live leases of the runner
      assert.deepStrictEqual((yield* Leases.renew(sql, "a", 60_000)).map((h) => [h.id.key, h.token]), [[alice.key, 1]])
      assert.deepStrictEqual(yield* Leases.renew(sql, "b", 60_000), [])
      yield* Leases.release(sql, "a", alice)
      assert.isUndefined(yield* Leases.owner(sql, alice))
      const t2 = yield* Leases.claim(sql, "b", alice, 60_000)
      assert.strictEqual(t2, 2)
      assert.isUndefined(yield* Leases.claim(sql, "a", alice, 60_000, t1))
      // a lease that lapses is free, and even its former holder gets a new token
      const short = yield* Leases.claim(sql, "b", MemoryId.fromParts({ user: "bob" }), 1)
      yield* Effect.sleep("20 millis")
      assert.strictEqual(yield* Leases.claim(sql, "b", MemoryId.fromParts({ user: "bob" }), 60_000, short), short! + 1)
      assert.deepStrictEqual((yield* Leases.renew(sql, "a", 60_000)), [])
      // the holder's claim with its token renews; the same runner id without it (a second process) fences the first off
      assert.strictEqual(yield* Leases.claim(sql, "b", alice, 60_000, t2), t2)
      assert.strictEqual(yield* Leases.claim(sql, "b", alice, 60_000), t2! + 1)
    }).pipe(Effect.scoped))

  it.live("a runner id in use by a live runner is refused; once it stopped, the id may be used again", () =>
    Effect.gen(function*() {
      const url = yield* Effect.orDie(pg.database("ids"))
      const scope = yield* Scope.make()
      yield* Scope.provide(Ownership.make({ url, runner: "a", ttlMs: 60_000 }), scope)
      const refused = yield* Effect.flip(Ownership.make({ url, runner: "a", ttlMs: 60_000 }))
      assert.match(refused.message, /runner id a is in use by a live runner/)
      yield* Scope.close(scope, Exit.void)
      const again = yield* Ownership.make({ url, runner: "a", ttlMs: 60_000 })
      assert.strictEqual(again.runner, "a")
    }).pipe(Effect.scoped))

  it.live("fencing: a runner whose lease was taken over cannot write (nothing written); the new holder can; a plain client cannot while a runner holds it", () =>
    Effect.gen(function*() {
      const url = yield* Effect.orDie(pg.database("fence"))
      const a = yield* Ownership.make({ url, runner: "a", ttlMs: 60_000 })
      const b = yield* Ownership.make({ url, runner: "b", ttlMs: 60_000 })
      const storeA = yield* Journal.makeStore(Postgres.backend({ url, fence: a.fence }), {})
      const storeB = yield* Journal.makeStore(Postgres.backend({ url, fence: b.fence }), {})
      const plain = yield* Journal.makeStore(Postgres.backend({ url }), {})

      assert.strictEqual((yield* a.route(alice))._tag, "Local")
      const memA = yield* storeA.open(alice)
      yield* memA.commit([fact(1)])
      // b sees a as the owner, and holds nothing, so its own store may not write either
      const seen = yield* b.route(alice)
      assert.strictEqual(seen._tag === "Remote" ? seen.owner.runner : seen._tag, "a")
      const memB = yield* storeB.open(alice)
      assert.strictEqual((yield* Effect.flip(memB.commit([fact(2)]))).reason, "NotOwner")
      const memP = yield* plain.open(alice)
      const refused = yield* Effect.flip(memP.commit([fact(2)]))
      assert.strictEqual(refused.reason, "NotOwner")
      assert.match(refused.message, /runner a owns it/)

      // a stalls: its lease lapses in the database and b takes the memory over
      yield* Effect.orDie(pg.psql(url, `UPDATE mags_leases SET expires = clock_timestamp() WHERE runner = 'a'`))
      const took = yield* b.takeOver(alice, 1000)
      assert.deepStrictEqual(took, { _tag: "Local", token: 2 })
      // a still believes it holds token 1 (its renewal has not run yet): the write is fenced off
      assert.strictEqual(a.fence.token(alice), 1)
      const fenced = yield* Effect.flip(memA.commit([fact(3)]))
      assert.strictEqual(fenced.reason, "NotOwner")
      assert.match(fenced.message, /passed to runner b/)
      yield* memB.commit([fact(4)])
      const fresh = yield* Journal.makeStore(Postgres.backend({ url, readOnly: true }), {})
      const tags = (yield* (yield* fresh.open(alice)).history()).map((e) => e.event._tag)
      assert.strictEqual(tags.length, 2) // fact 1 (by a) and fact 4 (by b); nothing of the refused ones
      assert.isTrue((yield* (yield* fresh.open(alice)).verify).ok)
    }).pipe(Effect.scoped))

  it.live("Memories reloads a memory it holds under a new token: a state cached under an older lease is never served", () =>
    Effect.gen(function*() {
      const url = yield* Effect.orDie(pg.database("reload"))
      const a = yield* Ownership.make({ url, runner: "a", ttlMs: 60_000 })
      const memoriesA = yield* memoriesOf(url, a)
      const m1 = yield* memoriesA.get(alice)
      yield* m1.commit([fact(1)])
      assert.strictEqual(yield* Effect.map(memoriesA.get(alice), (m) => m === m1), true)

      // meanwhile b holds the memory and writes to it; then lets it go
      yield* Effect.orDie(pg.psql(url, `UPDATE mags_leases SET expires = clock_timestamp() WHERE runner = 'a'`))
      const b = yield* Ownership.make({ url, runner: "b", ttlMs: 60_000 })
      assert.strictEqual((yield* b.route(alice))._tag, "Local")
      const storeB = yield* Journal.makeStore(Postgres.backend({ url, fence: b.fence }), {})
      yield* (yield* storeB.open(alice)).commit([fact(2)])
      const seqB = (yield* (yield* storeB.open(alice)).state).seq
      yield* Effect.orDie(pg.psql(url, `UPDATE mags_leases SET expires = clock_timestamp() WHERE runner = 'b'`))

      // a's next request: its local lease is still fresh, so force the check the renewal would make
      yield* Effect.orDie(pg.psql(url, `SELECT 1`))
      const again = yield* a.takeOver(alice, 1000)
      assert.strictEqual(again._tag === "Local" ? again.token : -1, 3)
      const m2 = yield* memoriesA.get(alice)
      assert.notStrictEqual(m2, m1)
      assert.strictEqual((yield* m2.state).seq, seqB)
      yield* m2.commit([fact(5)])
      assert.isTrue((yield* m2.verify).ok)
    }).pipe(Effect.scoped))

  it.live("a memory no request used for idleMs is let go (another runner may take it at once); the next request takes it under a new token", () =>
    Effect.gen(function*() {
      const url = yield* Effect.orDie(pg.database("idle"))
      const a = yield* Ownership.make({ url, runner: "a", ttlMs: 500, idleMs: 500 })
      const first = yield* a.route(alice)
      assert.strictEqual(first._tag, "Local")
      const b = yield* Ownership.make({ url, runner: "b", ttlMs: 60_000 })
      assert.strictEqual((yield* b.route(alice))._tag, "Remote")
      // a's renewals keep the lease only while it is used
      yield* Effect.sleep("1500 millis")
      assert.deepStrictEqual(yield* a.held, [])
      const taken = yield* b.takeOver(alice, 1000)
      assert.deepStrictEqual(taken, { _tag: "Local", token: (first._tag === "Local" ? first.token : 0) + 1 })
    }).pipe(Effect.scoped))

  it.live("claims made while renewals run are never dropped by a renewal that could not see them", () =>
    Effect.gen(function*() {
      const url = yield* Effect.orDie(pg.database("racing"))
      // renewals every 100 ms on the pool's other connection, while fresh memories are claimed one
      // after another: each claim held 40 ms inside its statement (so a renewal sent meanwhile runs
      // its UPDATE of the leases before the claim commits) and each renewal's answer held 100 ms
      // after that UPDATE (so it comes back after the claim's)
      const a = yield* Ownership.make({ url, runner: "a", ttlMs: 500 })
      yield* Effect.orDie(pg.psql(url, `CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(TG_ARGV[0]::float); RETURN NEW; END $$;
        CREATE TRIGGER slow_claim BEFORE INSERT ON mags_leases FOR EACH ROW EXECUTE FUNCTION slow('0.04');
        CREATE TRIGGER slow_seen BEFORE UPDATE ON mags_runners FOR EACH ROW EXECUTE FUNCTION slow('0.1')`))
      const ids = Array.from({ length: 40 }, (_, i) => MemoryId.fromParts({ user: `u${i}` }))
      const dropped: Array<string> = []
      yield* Effect.forEach(ids, (id) =>
        Effect.gen(function*() {
          const r = yield* a.route(id)
          assert.strictEqual(r._tag, "Local")
          // what a write in flight would see, once the renewals sent meanwhile are back
          yield* Effect.sleep("250 millis")
          if (a.fence.token(id) === undefined) dropped.push(id.key)
        }), { concurrency: 8, discard: true })
      assert.deepStrictEqual(dropped, [])
    }).pipe(Effect.scoped))

  it.live("concurrent first requests for one memory claim it once (one token); different memories are claimed side by side", () =>
    Effect.gen(function*() {
      const url = yield* Effect.orDie(pg.database("single"))
      const a = yield* Ownership.make({ url, runner: "a", ttlMs: 60_000 })
      const ids = Array.from({ length: 5 }, (_, i) => MemoryId.fromParts({ user: `v${i}` }))
      const routes = yield* Effect.forEach(Array.from({ length: 40 }, (_, i) => ids[i % 5]!), (id) => a.route(id), { concurrency: "unbounded" })
      assert.deepStrictEqual([...new Set(routes.map((r) => (r._tag === "Local" ? r.token : -1)))], [1])
      assert.strictEqual((yield* a.held).length, 5)
    }).pipe(Effect.scoped))

  it.live("with claimAfterAdvertise, nothing is claimed before the runner's address is published", () =>
    Effect.gen(function*() {
      const url = yield* Effect.orDie(pg.database("advertise"))
      const a = yield* Ownership.make({ url, runner: "a", ttlMs: 60_000, claimAfterAdvertise: true })
      const routed = yield* Effect.forkChild(a.route(alice))
      yield* Effect.sleep("200 millis")
      assert.isUndefined(routed.pollUnsafe())
      const sql = yield* Postgres.connect({ url })
      assert.isUndefined(yield* Leases.owner(sql, alice))
      yield* a.advertise("http://127.0.0.1:1")
      assert.strictEqual((yield* Fiber.join(routed))._tag, "Local")
      assert.strictEqual((yield* Leases.owner(sql, alice))?.address, "http://127.0.0.1:1")
    }).pipe(Effect.scoped))

  it.live("while another runner holds the memory, Memories answers Locked naming it", () =>
    Effect.gen(function*() {
      const url = yield* Effect.orDie(pg.database("remote"))
      const a = yield* Ownership.make({ url, runner: "a", ttlMs: 60_000 })
      yield* a.advertise("http://127.0.0.1:1")
      const b = yield* Ownership.make({ url, runner: "b", ttlMs: 60_000 })
      assert.strictEqual((yield* a.route(alice))._tag, "Local")
      const memoriesB = yield* memoriesOf(url, b)
      const failure = yield* Effect.flip(memoriesB.get(alice))
      assert.strictEqual(failure.kind, "Locked")
      assert.match(failure.message, /owned by runner a \(http:\/\/127\.0\.0\.1:1\)/)
    }).pipe(Effect.scoped))
})
