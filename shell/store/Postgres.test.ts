/**
 * The PostgreSQL backend beyond the conformance suite (which runs in `Conformance.test.ts`), on
 * a throwaway server (`shell/testing/PgServer.ts`, a fresh database per test): two stores
 * (two connection pools, as two processes would have) committing to one memory at once lose
 * nothing; a connection the server drops fails one commit ("Io", nothing written) and the
 * next one reconnects, and a connection killed INSIDE a commit's transaction (waiting on the
 * memory's lock, or at COMMIT after its rows are inserted) fails that commit with nothing written; read only; another format is refused; in-place repair of damaged records (a bad
 * journal record, a lying snapshot) moves the bad tail to a "corrupt" branch and rebuilds the
 * snapshot. Skips, with the reason printed, where no PostgreSQL binaries exist.
 */
import { assert, describe, it } from "@effect/vitest"
import * as PgClient from "@effect/sql-pg/PgClient"
import { Cause, Deferred, Effect, Exit, Fiber, Redacted, Schedule } from "effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import { afterAll } from "vitest"
import * as Event from "../../core/Event.ts"
import * as PgServer from "../testing/PgServer.ts"
import { checksum } from "./Backend.ts"
import * as Journal from "./Journal.ts"
import { MemoryId, StoreError } from "./Model.ts"
import * as Postgres from "./Postgres.ts"
import * as Repair from "./Repair.ts"

const skip = PgServer.skipReason()
if (skip !== undefined) console.warn(skip)

const pg = PgServer.shared()
afterAll(pg.close)

const alice = MemoryId.fromParts({ user: "alice" })

const eventOf = (who: string, k: number): Event.Event =>
  new Event.Engrammed({
    now: 1000 + k,
    input: {
      episode: { id: `${who}${k}`, text: `${who} episode ${k}`, time: 1000 + k, embedding: [1, k % 3, 0.25] },
      entities: [{ label: `${who}${k}`, embedding: [0.5, 1, k % 5] }, { label: `c${k % 3}`, embedding: [0.1, 0.2, 0.3] }],
      facts: [{ subject: `${who}${k}`, relation: "lives_in", object: `c${k % 3}` }]
    }
  })

const episodeIds = (entries: ReadonlyArray<{ readonly event: Event.Event }>): Array<string> =>
  entries.flatMap((e) => (e.event._tag === "Engrammed" && e.event.input.episode !== undefined ? [e.event.input.episode.id] : []))

// every test runs on the live clock: a real server answers, and a writer that lost a race
// retries after a real backoff (under the test clock it would wait forever)
describe.skipIf(skip !== undefined)("PostgreSQL backend", () => {
  it.live("two stores committing to one memory at once: every event of both exactly once, and it verifies", () =>
    Effect.gen(function*() {
      const url = yield* Effect.orDie(pg.database("race"))
      const options = { snapshotEvery: 7, snapshotMinBytes: 0 }
      const one = yield* Journal.makeStore(Postgres.backend({ url }), options)
      const two = yield* Journal.makeStore(Postgres.backend({ url }), options)
      const a = yield* one.open(alice)
      const b = yield* two.open(alice)
      const N = 20
      const writer = (memory: typeof a, who: string) =>
        Effect.forEach(Array.from({ length: N }, (_, k) => k), (k) => memory.commit([eventOf(who, k)]), { discard: true })
      yield* Effect.all([writer(a, "a"), writer(b, "b")], { concurrency: "unbounded" })
      const three = yield* Journal.makeStore(Postgres.backend({ url }), options)
      const c = yield* three.open(alice)
      assert.strictEqual((yield* c.state).seq, 2 * N)
      const ids = episodeIds(yield* c.history())
      assert.deepStrictEqual([...ids].sort(), [...Array.from({ length: N }, (_, k) => `a${k}`), ...Array.from({ length: N }, (_, k) => `b${k}`)].sort())
      const report = yield* c.verify
      assert.isTrue(report.ok, report.problems.join("; "))
    }).pipe(Effect.scoped))

  it.live("a dropped connection fails the commit in flight with Io and writes nothing; the next commit reconnects", () =>
    Effect.gen(function*() {
      const url = yield* Effect.orDie(pg.database("drop"))
      const db = PgServer.databaseOf(url)
      const server = yield* Effect.orDie(pg.server)
      const store = yield* Journal.makeStore(Postgres.backend({ url }), {})
      const memory = yield* store.open(alice)
      for (let k = 0; k < 3; k++) yield* memory.commit([eventOf("a", k)])
      const killed = yield* Effect.orDie(server.psql("postgres", `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '${db}'`))
      assert.isAtLeast(Number(killed.trim()), 1)
      const lost = yield* Effect.flip(memory.commit([eventOf("a", 3)]))
      assert.strictEqual(lost.reason, "Io")
      assert.strictEqual((yield* memory.state).seq, 3)
      const { state } = yield* memory.commit([eventOf("a", 4)])
      assert.strictEqual(state.seq, 4)
      const reopened = yield* (yield* Journal.makeStore(Postgres.backend({ url }), {})).open(alice)
      assert.deepStrictEqual(episodeIds(yield* reopened.history()), ["a0", "a1", "a2", "a4"])
      assert.isTrue((yield* reopened.verify).ok)
    }).pipe(Effect.scoped))

  it.live("a connection dropped inside a commit's transaction (waiting on the memory's row lock): Io, nothing written", () =>
    Effect.gen(function*() {
      const url = yield* Effect.orDie(pg.database("midcommit"))
      const db = PgServer.databaseOf(url)
      const store = yield* Journal.makeStore(Postgres.backend({ url }), {})
      const memory = yield* store.open(alice)
      for (let k = 0; k < 3; k++) yield* memory.commit([eventOf("a", k)])
      // another session holds the memory's row lock, so the commit stops inside its transaction
      const admin = yield* Effect.orDie(PgClient.make({ url: Redacted.make(url) }).pipe(Effect.provide(Reactivity.layer)))
      const release = yield* Deferred.make<void>()
      const locked = yield* Deferred.make<void>()
      const holder = yield* Effect.forkChild(admin.withTransaction(Effect.gen(function*() {
        yield* admin.unsafe(`SELECT id FROM mags_memories WHERE "user" = 'alice' FOR UPDATE`)
        yield* Deferred.succeed(locked, undefined)
        yield* Deferred.await(release)
      })))
      yield* Deferred.await(locked)
      const commit = yield* Effect.forkChild(Effect.exit(memory.commit([eventOf("a", 3)])))
      // wait until the commit's connection waits on the lock (it has run BEGIN and its first statements)
      const waiting = admin.unsafe<{ readonly n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`,
        [db]
      )
      yield* Effect.orDie(Effect.repeat(waiting, { until: (rows) => rows[0]!.n > 0, schedule: Schedule.spaced("20 millis") }))
      yield* Effect.orDie(admin.unsafe(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`, [db]))
      yield* Deferred.succeed(release, undefined)
      yield* Effect.orDie(Fiber.join(holder))
      const exit = yield* Fiber.join(commit)
      assert.isTrue(Exit.isFailure(exit))
      // a typed "Io" failure, not a defect of the SQL layer
      assert.isTrue(Exit.isFailure(exit) && exit.cause.reasons.every((r) => r._tag === "Fail" && r.error.reason === "Io"), Exit.isFailure(exit) ? Cause.pretty(exit.cause) : "")
      assert.strictEqual((yield* memory.state).seq, 3)
      yield* memory.commit([eventOf("a", 4)])
      const reopened = yield* (yield* Journal.makeStore(Postgres.backend({ url }), {})).open(alice)
      assert.deepStrictEqual(episodeIds(yield* reopened.history()), ["a0", "a1", "a2", "a4"])
      assert.isTrue((yield* reopened.verify).ok)
    }).pipe(Effect.scoped))

  it.live("a connection killed while COMMIT runs, after the commit's rows are inserted: Io, nothing of it written, the next commit lands once", () =>
    Effect.gen(function*() {
      const url = yield* Effect.orDie(pg.database("atcommit"))
      const db = PgServer.databaseOf(url)
      const store = yield* Journal.makeStore(Postgres.backend({ url }), {})
      const memory = yield* store.open(alice)
      for (let k = 0; k < 3; k++) yield* memory.commit([eventOf("a", k)])
      // a deferred constraint trigger runs at COMMIT, once the rows are in: it holds the commit there
      const admin = yield* Effect.orDie(PgClient.make({ url: Redacted.make(url) }).pipe(Effect.provide(Reactivity.layer)))
      yield* Effect.orDie(admin.unsafe(`CREATE FUNCTION mags_test_slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(30); RETURN NULL; END $$`))
      yield* Effect.orDie(admin.unsafe(
        `CREATE CONSTRAINT TRIGGER mags_test_slow AFTER INSERT ON mags_events DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION mags_test_slow()`
      ))
      const commit = yield* Effect.forkChild(Effect.exit(memory.commit([eventOf("a", 3)])))
      const sleeping = admin.unsafe<{ readonly n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event = 'PgSleep'`,
        [db]
      )
      yield* Effect.orDie(Effect.repeat(sleeping, { until: (rows) => rows[0]!.n > 0, schedule: Schedule.spaced("20 millis") }))
      // the commit's inserts are done (its trigger fires at COMMIT): kill its connection there
      yield* Effect.orDie(admin.unsafe(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND wait_event = 'PgSleep'`, [db]))
      const exit = yield* Fiber.join(commit)
      assert.isTrue(Exit.isFailure(exit) && exit.cause.reasons.every((r) => r._tag === "Fail" && r.error.reason === "Io"), Exit.isFailure(exit) ? Cause.pretty(exit.cause) : "succeeded")
      assert.strictEqual((yield* memory.state).seq, 3)
      yield* Effect.orDie(admin.unsafe(`DROP TRIGGER mags_test_slow ON mags_events`))
      const rows = yield* Effect.orDie(admin.unsafe<{ readonly n: number }>(`SELECT count(*)::int AS n FROM mags_events`))
      assert.strictEqual(rows[0]!.n, 3)
      yield* memory.commit([eventOf("a", 4)])
      const reopened = yield* (yield* Journal.makeStore(Postgres.backend({ url }), {})).open(alice)
      assert.deepStrictEqual(episodeIds(yield* reopened.history()), ["a0", "a1", "a2", "a4"])
      assert.isTrue((yield* reopened.verify).ok)
    }).pipe(Effect.scoped))

  it.live("a snapshot larger than the client's default message limit (16 MiB) round-trips", () =>
    Effect.gen(function*() {
      const url = yield* Effect.orDie(pg.database("large"))
      const backend = yield* Postgres.backend({ url })
      const m = yield* backend.ensureMemory(alice, { params: "{}", dim: 3, at: 0 })
      const data = Uint8Array.from({ length: 20 * 1024 * 1024 }, (_, i) => (i * 2654435761) >>> 24)
      const row = { seq: 0, data, crc: checksum(data), contentHash: "h", size: data.length, journalBytes: 0 }
      yield* backend.putSnapshot(m, 0, row, 1)
      const back = yield* backend.snapshotData(m, 0)
      assert.isTrue(back !== undefined && Buffer.from(back).equals(Buffer.from(data)))
      assert.strictEqual((yield* backend.snapshotMetas(m))[0]!.size, data.length)
    }).pipe(Effect.scoped))

  it.live("read only: an empty database reads as empty and is not written; writes fail ReadOnly", () =>
    Effect.gen(function*() {
      const url = yield* Effect.orDie(pg.database("readonly"))
      const empty = yield* Journal.makeStore(Postgres.backend({ url, readOnly: true }), {})
      assert.deepStrictEqual(yield* empty.list, [])
      assert.strictEqual((yield* Effect.orDie(pg.psql(url, "SELECT to_regclass('mags_meta') IS NULL"))).trim(), "t")
      const writer = yield* Journal.makeStore(Postgres.backend({ url }), {})
      yield* Effect.flatMap(writer.open(alice), (m) => m.commit([eventOf("a", 1)]))
      const reader = yield* Journal.makeStore(Postgres.backend({ url, readOnly: true }), {})
      const memory = yield* reader.open(alice)
      assert.strictEqual((yield* memory.state).seq, 1)
      const refused = yield* Effect.flip(memory.commit([eventOf("a", 2)]))
      assert.strictEqual(refused.reason, "ReadOnly")
    }).pipe(Effect.scoped))

  it.live("a database holding another format is refused (Corrupt), the URL's password not shown", () =>
    Effect.gen(function*() {
      const url = yield* Effect.orDie(pg.database("format"))
      yield* Effect.scoped(Postgres.backend({ url }))
      yield* Effect.orDie(pg.psql(url, "UPDATE mags_meta SET value = 'mags-pg/99' WHERE key = 'format'"))
      const e = yield* Effect.flip(Effect.scoped(Postgres.backend({ url })))
      assert.instanceOf(e, StoreError)
      assert.strictEqual(e.reason, "Corrupt")
      assert.match(e.message, /mags-pg\/99/)
      const bad = yield* Effect.flip(Effect.scoped(Postgres.backend({ url: url.replace("mags@", "mags:s3cret@").replace(/host=[^&]+/, "host=%2Fnonexistent") })))
      assert.strictEqual(bad.reason, "Io")
      assert.notInclude(bad.message, "s3cret")
    }))

  it.live("repair in place: a bad record's tail goes to a corrupt branch, a lying snapshot is replaced; then it verifies", () =>
    Effect.gen(function*() {
      const url = yield* Effect.orDie(pg.database("repair"))
      const es = Array.from({ length: 10 }, (_, k) => eventOf("a", k))
      yield* Effect.scoped(Effect.gen(function*() {
        const store = yield* Journal.makeStore(Postgres.backend({ url }), { snapshotEvery: 3, snapshotMinBytes: 0, keepSnapshots: 5, snapshotBudget: Infinity })
        const memory = yield* store.open(alice)
        for (const e of es) yield* memory.commit([e])
        yield* store.open(MemoryId.fromParts({ user: "bob" })).pipe(Effect.flatMap((m) => m.commit([eventOf("b", 1)])))
      }))
      // a healthy store is left alone
      const healthy = yield* Effect.scoped(Effect.flatMap(Postgres.backend({ url }), (b) => Repair.repairBackend(b, "test")))
      assert.isTrue(healthy.healthy)
      // damage: record 7's bytes no longer match their checksum; snapshot 3 claims another graph
      yield* Effect.orDie(pg.psql(url, "UPDATE mags_events SET crc = crc # 1 WHERE seq = 7 AND memory = (SELECT id FROM mags_memories WHERE \"user\" = 'alice')"))
      yield* Effect.orDie(pg.psql(url, "UPDATE mags_snapshots SET content_hash = 'bogus' WHERE seq = 3"))
      const report = yield* Effect.scoped(Effect.flatMap(Postgres.backend({ url }), (b) => Repair.repairBackend(b, "test")))
      assert.isFalse(report.healthy)
      assert.isTrue(report.lost)
      assert.strictEqual(report.memories.length, 1)
      const m = report.memories[0]!
      assert.deepStrictEqual([m.id.key, m.kept, m.lastKnown, m.tailBranch], [alice.key, 6, 10, 1])
      yield* Effect.scoped(Effect.gen(function*() {
        const store = yield* Journal.makeStore(Postgres.backend({ url }), {})
        const memory = yield* store.open(alice)
        assert.strictEqual((yield* memory.state).seq, 6)
        assert.isTrue((yield* memory.verify).ok)
        assert.deepStrictEqual((yield* memory.branches).map((b) => [b.branch, b.base, b.tip, b.reason]), [[1, 6, 10, "corrupt"]])
        const bob = yield* store.open(MemoryId.fromParts({ user: "bob" }))
        assert.strictEqual((yield* bob.state).seq, 1)
      }))
      const again = yield* Effect.scoped(Effect.flatMap(Postgres.backend({ url }), (b) => Repair.repairBackend(b, "test")))
      assert.isTrue(again.healthy, again.damage.join("; "))
    }))
})
