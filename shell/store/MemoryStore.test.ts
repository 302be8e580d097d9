/**
 * MemoryStore tests: round trips, snapshots, isolation, rejected writes, corruption, verify,
 * rollback — on the SQLite store (a temporary home per test) and, where the behaviour is the
 * engine's, on the in-memory store too.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, type Layer, Result, type Scope } from "effect"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { DatabaseSync } from "node:sqlite"
import * as Event from "../../core/Event.ts"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import * as Params from "../../core/Params.ts"
import * as Replay from "../../core/Replay.ts"
import { checksum } from "./Backend.ts"
import { type Memory, MemoryId, MemoryStore, type MemoryStoreShape, StoreError } from "./MemoryStore.ts"
import * as Record from "./Record.ts"
import { dbPath } from "./Sqlite.ts"

// ── fixtures ──────────────────────────────────────────────────────────────────

const v = (a: number, b: number, c: number): ReadonlyArray<number> => [a, b, c]

/** A varied log: engrams with embeddings, recall, decay, params, prune, consolidate, promote, reconcile. */
const sampleEvents = (n: number, offset = 0): ReadonlyArray<Event.Event> => {
  const out: Array<Event.Event> = []
  for (let i = 0; i < n; i++) {
    const k = i + offset
    const now = 1000 + k * 10
    switch (k % 8) {
      case 0:
      case 1:
      case 2:
        out.push(
          new Event.Engrammed({
            now,
            input: {
              episode: { id: `ep${k}`, text: `episode ${k}`, time: now },
              entities: [
                { label: `person${k}`, embedding: v(1, k % 5, 0.5) },
                { label: `city${k % 4}`, kind: "concept", embedding: v(0.2, 1, k % 3) }
              ],
              facts: [
                { subject: `person${k}`, relation: "lives_in", object: `city${k % 4}`, confidence: 0.9 },
                { subject: `person${k}`, relation: "knows", object: `person${Math.max(0, k - 1)}` }
              ]
            }
          })
        )
        break
      case 3:
        out.push(new Event.Recalled({ now, input: { text: `person${k - 1}`, embedding: v(1, 1, 0.5), k: 3 } }))
        break
      case 4:
        out.push(new Event.Decayed({ now, input: { dt: 50 } }))
        break
      case 5:
        out.push(new Event.ParamsSet({ now, params: Params.unsafeMake({ engramRate: 0.1 + (k % 7) / 100 }) }))
        break
      case 6:
        out.push(k % 16 === 6 ? new Event.Consolidated({ now, input: {} }) : new Event.Promoted({ now, input: {} }))
        break
      default:
        out.push(k % 16 === 7 ? new Event.Pruned({ now, input: { threshold: 0.01 } }) : new Event.Reconciled({ now, input: {} }))
    }
  }
  return out
}

/** An engram whose embedding has the wrong dimension (the sample graph holds 3): rejected by the core. */
const badEvent = new Event.Engrammed({
  now: 5,
  input: { entities: [{ label: "wrong", embedding: [1, 2, 3, 4] }], facts: [{ subject: "wrong", relation: "r", object: "x" }] }
})

const fold = (events: ReadonlyArray<Event.Event>): Replay.State => Result.getOrThrow(Replay.replay(events))

/** A temporary memory home, removed when the test's scope closes. */
const tempHome: Effect.Effect<string, never, Scope.Scope> = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "mags-store-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)

/** Runs `f` with a store from `layer`, in its own scope (the store closes after). */
const withStore = <A, E>(layer: Layer.Layer<MemoryStore, StoreError>, f: (store: MemoryStoreShape) => Effect.Effect<A, E, Scope.Scope>) =>
  Effect.gen(function*() {
    const store = yield* MemoryStore
    return yield* f(store)
  }).pipe(Effect.scoped, Effect.provide(layer))

/** Raw SQL on a home's database (for counting and tampering). */
const sql = <A>(home: string, f: (db: DatabaseSync) => A): A => {
  const db = new DatabaseSync(dbPath(home))
  try {
    return f(db)
  } finally {
    db.close()
  }
}

/** A stored record's bytes (BLOB). */
const blob = (db: DatabaseSync, sqlText: string, ...args: Array<number>): Uint8Array => {
  const v = db.prepare(sqlText).get(...args)?.["json"]
  if (!(v instanceof Uint8Array)) return assert.fail(`expected a record, found ${typeof v}`)
  return v
}

const count = (home: string, table: string): number =>
  sql(home, (db) => Number(db.prepare(`SELECT count(*) AS n FROM ${table}`).get()?.["n"]))

const hashOf = (s: Replay.State): string => LiquidGraph.contentHash(s.graph)

const alice = MemoryId.fromParts({ user: "alice" })
const bob = MemoryId.fromParts({ user: "bob", agent: "helper", session: "s1" })

const expectError = <A>(exit: Exit.Exit<A, StoreError>): StoreError => {
  if (Exit.isSuccess(exit)) return assert.fail("expected a failure, got a success")
  const found = Cause.findError(exit.cause)
  if (Result.isFailure(found)) return assert.fail(`expected a typed failure, got ${String(exit.cause)}`)
  assert.instanceOf(found.success, StoreError)
  return found.success
}

const commitEach = (memory: Memory, events: ReadonlyArray<Event.Event>) =>
  Effect.forEach(events, (e) => memory.commit([e]), { discard: true })

// ── tests ─────────────────────────────────────────────────────────────────────

describe("MemoryId", () => {
  it("defaults missing parts and keys as user/agent/session", () => {
    const id = MemoryId.fromParts({ user: "u" })
    assert.strictEqual(id.key, "u/default/default")
  })
})

describe("MemoryStore (SQLite)", () => {
  it.effect("commit/load round trip: same hash, params and seq after reopen", () =>
    Effect.gen(function*() {
      const home = yield* tempHome
      const events = sampleEvents(24)
      const expected = fold(events)
      const live = yield* withStore(MemoryStore.layerSqlite({ home }), (store) =>
        Effect.gen(function*() {
          const memory = yield* store.open(alice)
          yield* memory.commit(events.slice(0, 10))
          yield* commitEach(memory, events.slice(10))
          return yield* memory.state
        }))
      assert.strictEqual(live.seq, 24)
      assert.strictEqual(hashOf(live), hashOf(expected))
      const reopened = yield* withStore(MemoryStore.layerSqlite({ home }), (store) =>
        Effect.gen(function*() {
          const memory = yield* store.open(alice)
          const report = yield* memory.verify
          assert.isTrue(report.ok, report.problems.join("; "))
          const history = yield* memory.history()
          assert.deepStrictEqual(history.map((h) => h.seq), Array.from({ length: 24 }, (_, i) => i + 1))
          assert.deepStrictEqual(history.map((h) => h.event._tag), events.map((e) => e._tag))
          return yield* memory.state
        }))
      assert.strictEqual(reopened.seq, 24)
      assert.strictEqual(hashOf(reopened), hashOf(expected))
      assert.deepStrictEqual(reopened.params, expected.params)
      assert.isTrue(LiquidGraph.equals(reopened.graph, expected.graph))
    }))

  it.effect("snapshot + tail == full fold; open starts from the latest snapshot", () =>
    Effect.gen(function*() {
      const home = yield* tempHome
      const events = sampleEvents(19)
      // spacing by event count only (the byte rule has its own test below)
      const layer = MemoryStore.layerSqlite({ home, snapshotEvery: 4, snapshotMinBytes: 0, snapshotRatio: 0, keepSnapshots: 10, snapshotBudget: Infinity })
      yield* withStore(layer, (store) => Effect.flatMap(store.open(alice), (m) => commitEach(m, events)))
      const seqs = sql(home, (db) => db.prepare("SELECT seq FROM snapshots ORDER BY seq").all().map((r) => Number(r["seq"])))
      assert.deepStrictEqual(seqs, [4, 8, 12, 16])
      // every snapshot restores to the fold of its prefix
      sql(home, (db) => {
        for (const seq of seqs) {
          const content = Record.decodeSnapshot(blob(db, "SELECT json FROM snapshots WHERE seq = ?", seq))
          const restored = Result.getOrThrow(
            content._tag === "Parts" ? Replay.restoreParts(content.json, content.ids, content.vectors, content.dim) : Replay.restore(content.value)
          )
          assert.strictEqual(hashOf(restored), hashOf(fold(events.slice(0, seq))))
        }
      })
      // break an event BEFORE the latest snapshot: open still succeeds (it starts at snapshot 16,
      // tail 17..19) and equals the full fold; verify (which ignores snapshots) finds the record
      sql(home, (db) => db.prepare("UPDATE events SET json = CAST(json || x'20' AS BLOB) WHERE seq = 3").run())
      yield* withStore(layer, (store) =>
        Effect.gen(function*() {
          const memory = yield* store.open(alice)
          const state = yield* memory.state
          assert.strictEqual(state.seq, 19)
          assert.strictEqual(hashOf(state), hashOf(fold(events)))
          const report = yield* memory.verify
          assert.isFalse(report.ok)
          assert.strictEqual(report.firstBadPosition, 2)
          assert.strictEqual(report.events, 2)
        }))
    }))

  it.effect("explicit snapshot returns its seq; a tampered latest snapshot is skipped on load and reported by verify", () =>
    Effect.gen(function*() {
      const home = yield* tempHome
      const events = sampleEvents(12)
      const layer = MemoryStore.layerSqlite({ home })
      const at = yield* withStore(layer, (store) =>
        Effect.gen(function*() {
          const memory = yield* store.open(alice)
          yield* memory.commit(events.slice(0, 5))
          const a = yield* memory.snapshot
          yield* memory.commit(events.slice(5, 9))
          const b = yield* memory.snapshot
          yield* memory.commit(events.slice(9))
          return [a, b]
        }))
      assert.deepStrictEqual(at, [5, 9])
      // flip one byte of the latest snapshot's body
      sql(home, (db) => {
        const data = Uint8Array.from(blob(db, "SELECT json FROM snapshots WHERE seq = 9"))
        data[data.length - 3] = data[data.length - 3]! ^ 0x55
        db.prepare("UPDATE snapshots SET json = ? WHERE seq = 9").run(data)
      })
      yield* withStore(layer, (store) =>
        Effect.gen(function*() {
          const memory = yield* store.open(alice)
          const state = yield* memory.state
          assert.strictEqual(hashOf(state), hashOf(fold(events)))
          const report = yield* memory.verify
          assert.isFalse(report.ok)
          assert.deepStrictEqual(report.snapshotMismatch, [9])
          assert.isUndefined(report.firstBadPosition)
        }))
    }))

  it.effect("several memories side by side stay isolated", () =>
    Effect.gen(function*() {
      const home = yield* tempHome
      const a = sampleEvents(10)
      const b = sampleEvents(7, 3)
      const layer = MemoryStore.layerSqlite({ home, snapshotEvery: 3, snapshotMinBytes: 0 })
      yield* withStore(layer, (store) =>
        Effect.gen(function*() {
          const ma = yield* store.open(alice)
          const mb = yield* store.open(bob, { params: Params.unsafeMake({ engramRate: 0.3 }) })
          yield* commitEach(ma, a.slice(0, 5))
          yield* commitEach(mb, b)
          yield* commitEach(ma, a.slice(5))
        }))
      yield* withStore(layer, (store) =>
        Effect.gen(function*() {
          const ids = yield* store.list
          assert.deepStrictEqual(ids.map((id) => id.key), ["alice/default/default", "bob/helper/s1"])
          const ma = yield* store.open(alice)
          const mb = yield* store.open(bob)
          const sa = yield* ma.state
          const sb = yield* mb.state
          assert.strictEqual(sa.seq, 10)
          assert.strictEqual(sb.seq, 7)
          assert.strictEqual(hashOf(sa), hashOf(fold(a)))
          const initialB = Replay.initial(Params.unsafeMake({ engramRate: 0.3 }))
          assert.strictEqual(hashOf(sb), hashOf(Result.getOrThrow(Replay.replay(b, initialB))))
          assert.strictEqual((yield* mb.history()).length, 7)
          assert.isTrue((yield* ma.verify).ok)
          assert.isTrue((yield* mb.verify).ok)
          // rolling one back leaves the other alone
          yield* mb.rollback(2)
          assert.strictEqual((yield* ma.state).seq, 10)
          assert.isTrue((yield* ma.verify).ok)
        }))
      const perMemory = sql(home, (db) => db.prepare("SELECT memory, count(*) AS n FROM events GROUP BY memory ORDER BY memory").all().map((r) => Number(r["n"])))
      assert.deepStrictEqual(perMemory, [10, 2])
    }))

  it.effect("a rejected event writes nothing (row counts and state unchanged)", () =>
    Effect.gen(function*() {
      const home = yield* tempHome
      const events = sampleEvents(6)
      const layer = MemoryStore.layerSqlite({ home, snapshotEvery: 7, snapshotMinBytes: 0 })
      yield* withStore(layer, (store) =>
        Effect.gen(function*() {
          const memory = yield* store.open(alice)
          yield* memory.commit(events)
          const before = yield* memory.state
          const counts = [count(home, "events"), count(home, "snapshots")]
          // the good event first would also cross the snapshot threshold: still nothing written
          const exit = yield* Effect.exit(memory.commit([sampleEvents(1, 8)[0]!, badEvent]))
          const error = expectError(exit)
          assert.strictEqual(error.reason, "InvalidEvent")
          assert.strictEqual(error.position, 7)
          assert.deepStrictEqual([count(home, "events"), count(home, "snapshots")], counts)
          const after = yield* memory.state
          assert.strictEqual(after, before)
          assert.isTrue((yield* memory.verify).ok)
          // and the memory still takes good events
          yield* memory.commit(sampleEvents(1, 8))
          assert.strictEqual((yield* memory.state).seq, 7)
        }))
    }))

  it.effect("a corrupt record is detected at its position; lenient open loads the good prefix; truncate sets the tail aside", () =>
    Effect.gen(function*() {
      const home = yield* tempHome
      const events = sampleEvents(10)
      const layer = MemoryStore.layerSqlite({ home })
      yield* withStore(layer, (store) => Effect.flatMap(store.open(alice), (m) => m.commit(events)))
      sql(home, (db) => db.prepare("UPDATE events SET json = substr(json, 1, length(json) - 5) WHERE seq = 7").run())

      const strict = yield* Effect.exit(withStore(layer, (store) => store.open(alice)))
      const error = expectError(strict)
      assert.strictEqual(error.reason, "Corrupt")
      assert.strictEqual(error.position, 6)

      yield* withStore(layer, (store) =>
        Effect.gen(function*() {
          const { corruption, memory } = yield* store.openLenient(alice)
          assert.strictEqual(corruption?.position, 6)
          const state = yield* memory.state
          assert.strictEqual(state.seq, 6)
          assert.strictEqual(hashOf(state), hashOf(fold(events.slice(0, 6))))
          // read-only until repaired
          const write = expectError(yield* Effect.exit(memory.commit(events.slice(6, 7))))
          assert.strictEqual(write.reason, "Corrupt")
          assert.strictEqual(count(home, "events"), 10)
          const report = yield* memory.verify
          assert.isFalse(report.ok)
          assert.strictEqual(report.firstBadPosition, 6)
        }))

      yield* withStore(layer, (store) =>
        Effect.gen(function*() {
          const { corruption, memory } = yield* store.openLenient(alice, { truncate: true })
          assert.strictEqual(corruption?.position, 6)
          const branches = yield* memory.branches
          assert.strictEqual(branches.length, 1)
          assert.deepInclude(branches[0], { branch: 1, base: 6, tip: 10, reason: "corrupt" })
          const kept = yield* memory.abandoned(1)
          assert.deepStrictEqual(kept.map((r) => r.seq), [7, 8, 9, 10])
          yield* memory.commit(events.slice(6))
          assert.isTrue((yield* memory.verify).ok)
        }))
      const reopened = yield* withStore(layer, (store) => Effect.flatMap(store.open(alice), (m) => m.state))
      assert.strictEqual(hashOf(reopened), hashOf(fold(events)))
    }))

  it.effect("a record whose checksum was rewritten too is caught by verify through the snapshot after it", () =>
    Effect.gen(function*() {
      const home = yield* tempHome
      const events = sampleEvents(9)
      const layer = MemoryStore.layerSqlite({ home, snapshotEvery: 5, snapshotMinBytes: 0 })
      yield* withStore(layer, (store) =>
        Effect.gen(function*() {
          const memory = yield* store.open(alice)
          yield* commitEach(memory, events)
          const report = yield* memory.verify
          assert.isTrue(report.ok, report.problems.join("; "))
          assert.strictEqual(report.events, 9)
          assert.strictEqual(report.hash, report.liveHash)
        }))
      // a consistent forgery of event 2 (valid JSON, valid checksum), before snapshot 5
      sql(home, (db) => {
        const json = JSON.stringify(Record.decode(blob(db, "SELECT json FROM events WHERE seq = 2"))).replaceAll("person1", "mallory")
        const data = Record.encodeEvent(JSON.parse(json))
        db.prepare("UPDATE events SET json = ?, crc = ? WHERE seq = 2").run(data, checksum(data))
      })
      yield* withStore(layer, (store) =>
        Effect.gen(function*() {
          const memory = yield* store.open(alice)
          const report = yield* memory.verify
          assert.isFalse(report.ok)
          assert.isUndefined(report.firstBadPosition)
          assert.deepStrictEqual(report.snapshotMismatch, [5])
          // the live state (snapshot 5 + tail) no longer matches the forged journal's fold
          assert.notStrictEqual(report.hash, report.liveHash)
        }))
    }))

  it.effect("rollback restores the state after seq, keeps the tail as a branch, and commits continue", () =>
    Effect.gen(function*() {
      const home = yield* tempHome
      const events = sampleEvents(12)
      const layer = MemoryStore.layerSqlite({ home, snapshotEvery: 3, snapshotMinBytes: 0, keepSnapshots: 10, snapshotBudget: Infinity })
      yield* withStore(layer, (store) =>
        Effect.gen(function*() {
          const memory = yield* store.open(alice)
          yield* commitEach(memory, events)
          const back = yield* memory.rollback(5)
          assert.strictEqual(back.seq, 5)
          assert.strictEqual(hashOf(back), hashOf(fold(events.slice(0, 5))))
          assert.strictEqual(yield* memory.state, back)
          assert.deepStrictEqual((yield* memory.history()).map((h) => h.seq), [1, 2, 3, 4, 5])
          const branches = yield* memory.branches
          assert.deepInclude(branches[0], { branch: 1, base: 5, tip: 12, reason: "rollback" })
          assert.strictEqual((yield* memory.abandoned(1)).length, 7)
          const other = sampleEvents(3, 20)
          yield* memory.commit(other)
          assert.strictEqual((yield* memory.state).seq, 8)
          assert.isTrue((yield* memory.verify).ok)
          assert.strictEqual(expectError(yield* Effect.exit(memory.rollback(9))).reason, "NotFound")
          assert.strictEqual(expectError(yield* Effect.exit(memory.rollback(-1))).reason, "NotFound")
          assert.strictEqual(expectError(yield* Effect.exit(memory.abandoned(2))).reason, "NotFound")
          // no-op rollback to the current seq
          assert.strictEqual((yield* memory.rollback(8)).seq, 8)
          assert.strictEqual((yield* memory.branches).length, 1)
        }))
      // snapshots past the rollback point were dropped; later ones were written on the new line
      const snaps = sql(home, (db) => db.prepare("SELECT seq FROM snapshots ORDER BY seq").all().map((r) => Number(r["seq"])))
      assert.deepStrictEqual(snaps, [3, 8])
      const expected = fold([...events.slice(0, 5), ...sampleEvents(3, 20)])
      yield* withStore(layer, (store) =>
        Effect.gen(function*() {
          const memory = yield* store.open(alice)
          const state = yield* memory.state
          assert.strictEqual(state.seq, 8)
          assert.strictEqual(hashOf(state), hashOf(expected))
          assert.isTrue((yield* memory.verify).ok)
        }))
    }))

  it.effect("a second writer whose journal is stale re-applies its events on the fresh state; one store shares one handle", () =>
    Effect.gen(function*() {
      const home = yield* tempHome
      const events = sampleEvents(4)
      yield* withStore(MemoryStore.layerSqlite({ home }), (one) =>
        withStore(MemoryStore.layerSqlite({ home }), (two) =>
          Effect.gen(function*() {
            const a = yield* one.open(alice)
            const a2 = yield* one.open(alice)
            assert.strictEqual(a, a2)
            const b = yield* two.open(alice)
            yield* a.commit(events.slice(0, 2))
            // b still holds seq 0: its commit loads a's two events first, then applies its own
            const { state } = yield* b.commit(events.slice(2, 3))
            assert.strictEqual(state.seq, 3)
            assert.strictEqual(hashOf(state), hashOf(fold(events.slice(0, 3))))
            assert.strictEqual(count(home, "events"), 3)
            // and a, now stale, does the same
            const last = yield* a.commit(events.slice(3))
            assert.strictEqual(last.state.seq, 4)
            assert.strictEqual(hashOf(last.state), hashOf(fold(events)))
            assert.isTrue((yield* a.verify).ok)
          })))
    }))

  it.effect("snapshots: only the latest `keepSnapshots` are kept; spacing follows the journal bytes", () =>
    Effect.gen(function*() {
      const home = yield* tempHome
      const events = sampleEvents(40)
      yield* withStore(MemoryStore.layerSqlite({ home, snapshotEvery: 2, snapshotMinBytes: 0 }), (store) =>
        Effect.flatMap(store.open(alice), (m) => commitEach(m, events)))
      const seqs = sql(home, (db) => db.prepare("SELECT seq FROM snapshots ORDER BY seq").all().map((r) => Number(r["seq"])))
      assert.strictEqual(seqs.length, 2)
      // a snapshot is written only once the journal bytes since the last one reach its size
      const sizes = sql(home, (db) => db.prepare("SELECT seq, length(json) AS n FROM snapshots ORDER BY seq").all())
      assert.isAtLeast(sizes.length, 1)
      const between = sql(home, (db) =>
        Number(db.prepare("SELECT sum(length(json)) AS n FROM events WHERE seq > ? AND seq <= ?").get(seqs[0]!, seqs[1]!)?.["n"]))
      assert.isAtLeast(between, Number(sizes[0]!["n"]))
      // the default budget: snapshots together within 0.75 × the journal's bytes, or the latest alone
      yield* withStore(MemoryStore.layerSqlite({ home, snapshotEvery: 2, snapshotMinBytes: 0 }), (store) =>
        Effect.flatMap(store.open(alice), (m) => m.snapshot))
      const [snapBytes, latest, journal] = sql(home, (db) => [
        Number(db.prepare("SELECT sum(length(json)) AS n FROM snapshots").get()?.["n"]),
        Number(db.prepare("SELECT length(json) AS n FROM snapshots ORDER BY seq DESC LIMIT 1").get()?.["n"]),
        Number(db.prepare("SELECT sum(length(json)) AS n FROM events").get()?.["n"])
      ])
      assert.isAtMost(snapBytes, Math.max(latest!, 0.75 * journal!))
      yield* withStore(MemoryStore.layerSqlite({ home }), (store) =>
        Effect.gen(function*() {
          const memory = yield* store.open(alice)
          assert.strictEqual(hashOf(yield* memory.state), hashOf(fold(events)))
          assert.isTrue((yield* memory.verify).ok)
        }))
    }))
})

/** The schema of format mags-store/1 (JSON text records), as older versions wrote it. */
const V1_SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE memories (id INTEGER PRIMARY KEY, user TEXT NOT NULL, agent TEXT NOT NULL, session TEXT NOT NULL,
  params TEXT NOT NULL, dim INTEGER NOT NULL, created REAL NOT NULL, UNIQUE (user, agent, session));
CREATE TABLE events (memory INTEGER NOT NULL REFERENCES memories (id), seq INTEGER NOT NULL,
  tag TEXT NOT NULL, json TEXT NOT NULL, crc INTEGER NOT NULL, PRIMARY KEY (memory, seq));
CREATE TABLE snapshots (memory INTEGER NOT NULL REFERENCES memories (id), seq INTEGER NOT NULL,
  json TEXT NOT NULL, crc INTEGER NOT NULL, content_hash TEXT NOT NULL, PRIMARY KEY (memory, seq));
CREATE TABLE branches (memory INTEGER NOT NULL REFERENCES memories (id), branch INTEGER NOT NULL,
  base INTEGER NOT NULL, tip INTEGER NOT NULL, reason TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (memory, branch));
CREATE TABLE abandoned (memory INTEGER NOT NULL REFERENCES memories (id), branch INTEGER NOT NULL, seq INTEGER NOT NULL,
  tag TEXT NOT NULL, json TEXT NOT NULL, crc INTEGER NOT NULL, PRIMARY KEY (memory, branch, seq));
INSERT INTO meta VALUES ('format', 'mags-store/1');
`

/** Writes a mags-store/1 database holding `events` for alice, with a JSON snapshot every `every` events. */
const writeV1 = (home: string, events: ReadonlyArray<Event.Event>, every: number): void => {
  mkdirSync(home, { recursive: true })
  sql(home, (db) => {
    db.exec("PRAGMA journal_mode = WAL")
    db.exec(V1_SCHEMA)
    db.prepare("INSERT INTO memories (user, agent, session, params, dim, created) VALUES (?, ?, ?, ?, ?, ?)")
      .run(alice.user, alice.agent, alice.session, JSON.stringify(Params.defaults), 0, 0)
    let state = Replay.initial()
    for (const e of events) {
      state = Result.getOrThrow(Replay.apply(state, e)).state
      const json = JSON.stringify(Event.encode(e))
      db.prepare("INSERT INTO events VALUES (1, ?, ?, ?, ?)").run(state.seq, e._tag, json, checksum(json))
      if (state.seq % every === 0) {
        const snap = JSON.stringify(Replay.snapshot(state))
        db.prepare("INSERT INTO snapshots VALUES (1, ?, ?, ?, ?)").run(state.seq, snap, checksum(snap), hashOf(state))
      }
    }
  })
}

describe("MemoryStore (read only)", () => {
  it.effect("a read-only store reads, refuses every write with ReadOnly, and creates nothing", () =>
    Effect.gen(function*() {
      const home = yield* tempHome
      const events = sampleEvents(9)
      // no database yet: memories read as empty, and no file appears
      const empty = yield* withStore(MemoryStore.layerSqlite({ home: join(home, "none"), readOnly: true }), (store) =>
        Effect.gen(function*() {
          const memory = yield* store.open(alice)
          assert.strictEqual(expectError(yield* Effect.exit(memory.commit(events.slice(0, 1)))).reason, "ReadOnly")
          return (yield* memory.state).seq
        }))
      assert.strictEqual(empty, 0)
      assert.isFalse(existsSync(join(home, "none")))
      yield* withStore(MemoryStore.layerSqlite({ home }), (store) => Effect.flatMap(store.open(alice), (m) => m.commit(events)))
      const before = readFileSync(dbPath(home))
      yield* withStore(MemoryStore.layerSqlite({ home, readOnly: true }), (store) =>
        Effect.gen(function*() {
          const memory = yield* store.open(alice)
          assert.strictEqual(hashOf(yield* memory.state), hashOf(fold(events)))
          assert.isTrue((yield* memory.verify).ok)
          const writes: ReadonlyArray<Effect.Effect<unknown, StoreError>> = [memory.commit(events.slice(0, 1)), memory.snapshot, memory.rollback(2)]
          for (const write of writes) {
            assert.strictEqual(expectError(yield* Effect.exit(write)).reason, "ReadOnly")
          }
          // a memory the database does not hold reads as new and empty
          const other = yield* store.open(bob)
          assert.strictEqual((yield* other.state).seq, 0)
          assert.deepStrictEqual((yield* store.list).map((id) => id.key), [alice.key])
        }))
      assert.isTrue(readFileSync(dbPath(home)).equals(before))
    }))
})

describe("MemoryStore (older databases)", () => {
  it.effect("a mags-store/1 database reads as it is (read only), and is upgraded in place when opened for writing", () =>
    Effect.gen(function*() {
      const home = yield* tempHome
      const events = sampleEvents(20)
      writeV1(home, events, 4)
      const read = yield* withStore(MemoryStore.layerSqlite({ home, readOnly: true }), (store) =>
        Effect.gen(function*() {
          const memory = yield* store.open(alice)
          const report = yield* memory.verify
          assert.isTrue(report.ok, report.problems.join("; "))
          return yield* memory.state
        }))
      assert.strictEqual(hashOf(read), hashOf(fold(events)))
      assert.strictEqual(sql(home, (db) => String(db.prepare("SELECT value FROM meta").get()?.["value"])), "mags-store/1")
      yield* withStore(MemoryStore.layerSqlite({ home, snapshotEvery: 3, snapshotMinBytes: 0 }), (store) =>
        Effect.gen(function*() {
          const memory = yield* store.open(alice)
          assert.strictEqual(hashOf(yield* memory.state), hashOf(fold(events)))
          yield* memory.commit(sampleEvents(4, 20))
          assert.strictEqual(yield* memory.snapshot, 24)
          assert.isTrue((yield* memory.verify).ok)
        }))
      sql(home, (db) => {
        assert.strictEqual(String(db.prepare("SELECT value FROM meta").get()?.["value"]), "mags-store/2")
        assert.strictEqual(Number(db.prepare("PRAGMA auto_vacuum").get()?.["auto_vacuum"]), 2)
        assert.strictEqual(Number(db.prepare("PRAGMA page_size").get()?.["page_size"]), 16384)
        assert.strictEqual(String(db.prepare("PRAGMA journal_mode").get()?.["journal_mode"]), "wal")
        // the old JSON text events became records (the same events: verify passed above)
        assert.deepStrictEqual(
          db.prepare("SELECT typeof(json) AS t, count(*) AS n FROM events GROUP BY t ORDER BY t").all().map((r) => [r["t"], Number(r["n"])]),
          [["blob", 24]]
        )
        // the old snapshots went: all but the latest on upgrade, and that one once a compact
        // snapshot replaced it (two would not fit the snapshot budget)
        assert.deepStrictEqual(db.prepare("SELECT seq, typeof(json) AS t FROM snapshots ORDER BY seq").all().map((r) => [Number(r["seq"]), r["t"]]), [
          [24, "blob"]
        ])
      })
      const reopened = yield* withStore(MemoryStore.layerSqlite({ home }), (store) => Effect.flatMap(store.open(alice), (m) => m.state))
      assert.strictEqual(hashOf(reopened), hashOf(fold([...events, ...sampleEvents(4, 20)])))
    }))
})

describe("MemoryStore (in memory)", () => {
  it.effect("same semantics: commit, reject, verify, rollback, isolation", () =>
    Effect.gen(function*() {
      const events = sampleEvents(10)
      yield* withStore(MemoryStore.layerMemory, (store) =>
        Effect.gen(function*() {
          const a = yield* store.open(alice)
          const b = yield* store.open(bob)
          yield* commitEach(a, events)
          yield* b.commit(events.slice(0, 3))
          assert.strictEqual(hashOf(yield* a.state), hashOf(fold(events)))
          const error = expectError(yield* Effect.exit(a.commit([badEvent])))
          assert.strictEqual(error.reason, "InvalidEvent")
          assert.strictEqual(error.position, 10)
          assert.strictEqual((yield* a.history()).length, 10)
          assert.isTrue((yield* a.verify).ok)
          const back = yield* a.rollback(4)
          assert.strictEqual(hashOf(back), hashOf(fold(events.slice(0, 4))))
          assert.deepInclude((yield* a.branches)[0], { base: 4, tip: 10, reason: "rollback" })
          yield* a.commit(events.slice(4))
          assert.isTrue((yield* a.verify).ok)
          assert.strictEqual((yield* b.state).seq, 3)
          assert.deepStrictEqual((yield* store.list).map((id) => id.key), [alice.key, bob.key])
        }))
      // a fresh build is a fresh, empty store
      const ids = yield* withStore(MemoryStore.layerMemory, (store) => store.list)
      assert.strictEqual(ids.length, 0)
    }))

  it.effect("a closed handle refuses work", () =>
    Effect.gen(function*() {
      const escaped = yield* withStore(MemoryStore.layerMemory, (store) => Effect.scoped(store.open(alice)))
      const error = expectError(yield* Effect.exit(escaped.commit(sampleEvents(1))))
      assert.strictEqual(error.reason, "Io")
    }))
})

