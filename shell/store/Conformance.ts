/**
 * Conformance — the one test suite every store {@link Backend} must pass (in memory, SQLite,
 * PostgreSQL: each adds one {@link Harness} in `Conformance.test.ts`). It checks the backend's own laws
 * (bytes back as written, ranges, stale writers refused whole, snapshot retention, branches,
 * isolation) and the engine's laws over it (`Journal.makeStore`: commit / reopen / verify /
 * rollback / a second connection's lost race).
 *
 * Used only by tests (`Conformance.test.ts`); it imports the test runner.
 *
 * @since 0.2.0
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Result, type Scope } from "effect"
import * as Event from "../../core/Event.ts"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import * as Replay from "../../core/Replay.ts"
import { type Backend, checksum, type EventRow, type SnapshotRow, StaleWriter } from "./Backend.ts"
import * as Journal from "./Journal.ts"
import { MemoryId, type StoreError, type StoreOptions } from "./Model.ts"
import * as Record from "./Record.ts"

/**
 * A backend under test: `fresh` makes a new, empty storage place (removed when the scope
 * closes) and gives a function that opens a backend on it; calling it again opens another
 * connection to the same records (a reopen, or a second process).
 */
export interface Harness {
  readonly name: string
  readonly fresh: Effect.Effect<() => Effect.Effect<Backend, StoreError, Scope.Scope>, never, Scope.Scope>
}

// ── fixtures ──────────────────────────────────────────────────────────────────

const eventAt = (k: number): Event.Event =>
  new Event.Engrammed({
    now: 1000 + k,
    input: {
      episode: { id: `ep${k}`, text: `episode ${k}`, time: 1000 + k, embedding: [1, k % 3, 0.25] },
      entities: [{ label: `p${k}`, embedding: [0.5, 1, k % 5] }, { label: `c${k % 3}`, embedding: [0.1, 0.2, 0.3] }],
      facts: [{ subject: `p${k}`, relation: "lives_in", object: `c${k % 3}` }]
    }
  })

const events = (n: number, offset = 0): ReadonlyArray<Event.Event> => Array.from({ length: n }, (_, i) => eventAt(i + offset))

const row = (seq: number, text = `record ${seq}`): EventRow => {
  const data = Record.encodeEvent({ _tag: "X", text, embedding: [seq, 0.5, -1] })
  return { seq, tag: "X", data, crc: checksum(data) }
}

const snap = (seq: number): SnapshotRow => {
  const data = Uint8Array.from({ length: 64 + seq }, (_, i) => (i * 7 + seq) & 0xff)
  return { seq, data, crc: checksum(data), contentHash: `h${seq}`, size: data.length, journalBytes: 1000 * seq }
}

const alice = MemoryId.fromParts({ user: "alice" })
const bob = MemoryId.fromParts({ user: "bob", session: "s" })
const init = { params: "{}", dim: 3, at: 0 }

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b))

const failsStale = <A>(write: Effect.Effect<A, unknown>) =>
  Effect.map(Effect.flip(write), (e) => assert.instanceOf(e, StaleWriter))

const ALL = Number.MAX_SAFE_INTEGER

const fold = (es: ReadonlyArray<Event.Event>): Replay.State => Result.getOrThrow(Replay.replay(es, Replay.initial(undefined, 0)))
const hashOf = (s: Replay.State): string => LiquidGraph.contentHash(s.graph)

const storeOn = (open: () => Effect.Effect<Backend, StoreError, Scope.Scope>, options: StoreOptions = {}) =>
  Journal.makeStore(open(), { snapshotEvery: 3, snapshotMinBytes: 0, ...options })

// ── the suite ─────────────────────────────────────────────────────────────────

/**
 * Registers the conformance tests for a backend.
 * @complexity the tests run in well under a second per backend
 */
export const conformance = (harness: Harness): void => {
  describe(`Backend conformance: ${harness.name}`, () => {
    it.effect("memories: absent until ensured, ensure is idempotent, listed in creation order", () =>
      Effect.gen(function*() {
        const b = yield* (yield* harness.fresh)()
        assert.isUndefined(yield* b.findMemory(alice))
        const a1 = yield* b.ensureMemory(alice, init)
        const a2 = yield* b.ensureMemory(alice, { ...init, params: "{\"other\":1}" })
        assert.deepStrictEqual([a2.ref, a2.params, a2.dim], [a1.ref, "{}", 3])
        yield* b.ensureMemory(bob, init)
        assert.deepStrictEqual((yield* b.listMemories).map((id) => id.key), [alice.key, bob.key])
        assert.strictEqual((yield* b.findMemory(alice))?.ref, a1.ref)
      }).pipe(Effect.scoped))

    it.effect("events come back as written: bytes, tags, checksums, ranges (after, upto], pages of at most `limit`", () =>
      Effect.gen(function*() {
        const b = yield* (yield* harness.fresh)()
        const m = yield* b.ensureMemory(alice, init)
        const rows = [1, 2, 3, 4, 5].map((s) => row(s))
        yield* b.append(m, 0, rows.slice(0, 2), undefined, 2)
        yield* b.append(m, 2, rows.slice(2), undefined, 2)
        assert.strictEqual(yield* b.lastSeq(m), 5)
        const all = yield* b.events(m, 0, ALL, 100)
        assert.deepStrictEqual(all.map((r) => [r.seq, r.tag, r.crc]), rows.map((r) => [r.seq, r.tag, r.crc]))
        for (let i = 0; i < rows.length; i++) assert.isTrue(same(all[i]!.data, rows[i]!.data))
        assert.deepStrictEqual((yield* b.events(m, 1, 3, 100)).map((r) => r.seq), [2, 3])
        assert.deepStrictEqual((yield* b.events(m, 1, ALL, 2)).map((r) => r.seq), [2, 3])
        assert.deepStrictEqual((yield* b.events(m, 5, 9, 100)).map((r) => r.seq), [])
        assert.strictEqual(yield* b.eventBytes(m, 1, 3), rows[1]!.data.length + rows[2]!.data.length)
        assert.strictEqual(yield* b.eventBytes(m, 0, 99), rows.reduce((n, r) => n + r.data.length, 0))
      }).pipe(Effect.scoped))

    it.effect("a write with a stale expected seq fails with StaleWriter and writes nothing", () =>
      Effect.gen(function*() {
        const b = yield* (yield* harness.fresh)()
        const m = yield* b.ensureMemory(alice, init)
        yield* b.append(m, 0, [row(1)], undefined, 2)
        yield* failsStale(b.append(m, 0, [row(1, "again")], snap(1), 2))
        yield* failsStale(b.putSnapshot(m, 0, snap(0), 2))
        yield* failsStale(b.abandon(m, 3, 0, "rollback", 0))
        assert.strictEqual(yield* b.lastSeq(m), 1)
        assert.deepStrictEqual(yield* b.snapshotMetas(m), [])
        assert.deepStrictEqual(yield* b.branches(m), [])
      }).pipe(Effect.scoped))

    it.effect("snapshots: bytes and metadata back as written; only the latest `keep` are kept", () =>
      Effect.gen(function*() {
        const b = yield* (yield* harness.fresh)()
        const m = yield* b.ensureMemory(alice, init)
        for (let s = 1; s <= 5; s++) yield* b.append(m, s - 1, [row(s)], snap(s), 3)
        assert.deepStrictEqual(yield* b.snapshotMetas(m), [3, 4, 5].map((s) => {
          const { contentHash, crc, journalBytes, seq, size } = snap(s)
          return { seq, crc, contentHash, size, journalBytes }
        }))
        assert.isTrue(same((yield* b.snapshotData(m, 4))!, snap(4).data))
        assert.isUndefined(yield* b.snapshotData(m, 1))
        yield* b.putSnapshot(m, 5, snap(5), 1)
        assert.deepStrictEqual((yield* b.snapshotMetas(m)).map((x) => x.seq), [5])
      }).pipe(Effect.scoped))

    it.effect("abandon moves the tail to a branch and drops later snapshots; putBranch records a branch", () =>
      Effect.gen(function*() {
        const b = yield* (yield* harness.fresh)()
        const m = yield* b.ensureMemory(alice, init)
        for (let s = 1; s <= 6; s++) yield* b.append(m, s - 1, [row(s)], s % 2 === 0 ? snap(s) : undefined, 5)
        const branch = yield* b.abandon(m, 6, 3, "rollback", 42)
        assert.deepStrictEqual(branch, { branch: 1, base: 3, tip: 6, reason: "rollback", at: 42 })
        assert.strictEqual(yield* b.lastSeq(m), 3)
        assert.deepStrictEqual((yield* b.snapshotMetas(m)).map((x) => x.seq), [2])
        assert.deepStrictEqual((yield* b.abandonedRows(m, 1)).map((r) => r.seq), [4, 5, 6])
        assert.isTrue(same((yield* b.abandonedRows(m, 1))[0]!.data, row(4).data))
        assert.isUndefined(yield* b.abandon(m, 3, 3, "rollback", 43))
        const put = yield* b.putBranch(m, { base: 1, tip: 2, reason: "corrupt", at: 7 }, [row(2)])
        assert.strictEqual(put.branch, 2)
        assert.deepStrictEqual((yield* b.branches(m)).map((x) => x.branch), [1, 2])
        assert.deepStrictEqual((yield* b.abandonedRows(m, 2)).map((r) => r.seq), [2])
      }).pipe(Effect.scoped))

    it.effect("memories are isolated", () =>
      Effect.gen(function*() {
        const b = yield* (yield* harness.fresh)()
        const a = yield* b.ensureMemory(alice, init)
        const o = yield* b.ensureMemory(bob, init)
        yield* b.append(a, 0, [row(1), row(2)], snap(2), 2)
        yield* b.append(o, 0, [row(1, "bob")], undefined, 2)
        yield* b.abandon(a, 2, 0, "rollback", 0)
        assert.strictEqual(yield* b.lastSeq(o), 1)
        assert.isTrue(same((yield* b.events(o, 0, 9, 10))[0]!.data, row(1, "bob").data))
        assert.deepStrictEqual(yield* b.branches(o), [])
      }).pipe(Effect.scoped))

    it.effect("engine: commit, reopen from snapshot + tail, verify and rollback agree with the fold", () =>
      Effect.gen(function*() {
        const open = yield* harness.fresh
        const es = events(10)
        yield* Effect.scoped(Effect.gen(function*() {
          const store = yield* storeOn(open)
          const memory = yield* store.open(alice)
          for (const e of es) yield* memory.commit([e])
          assert.strictEqual(hashOf(yield* memory.state), hashOf(fold(es)))
        }))
        yield* Effect.scoped(Effect.gen(function*() {
          const store = yield* storeOn(open)
          const memory = yield* store.open(alice)
          const state = yield* memory.state
          assert.strictEqual(state.seq, 10)
          assert.strictEqual(hashOf(state), hashOf(fold(es)))
          const report = yield* memory.verify
          assert.isTrue(report.ok, report.problems.join("; "))
          const back = yield* memory.rollback(4)
          assert.strictEqual(hashOf(back), hashOf(fold(es.slice(0, 4))))
          assert.deepStrictEqual((yield* memory.history()).map((e) => e.seq), [1, 2, 3, 4])
          // a page: at most `limit` entries after `fromSeq`
          assert.deepStrictEqual((yield* memory.history(1, 2)).map((e) => e.seq), [2, 3])
          assert.deepStrictEqual((yield* memory.history(3, 10)).map((e) => e.seq), [4])
          assert.deepStrictEqual((yield* memory.history(0, 0)).map((e) => e.seq), [])
          assert.isTrue((yield* memory.verify).ok)
        }))
      }).pipe(Effect.scoped))

    it.effect("engine: a second connection that lost the race re-applies its events on top", () =>
      Effect.gen(function*() {
        const open = yield* harness.fresh
        const es = events(6)
        const one = yield* storeOn(open)
        const two = yield* storeOn(open)
        const a = yield* one.open(alice)
        const b = yield* two.open(alice)
        yield* a.commit(es.slice(0, 3))
        const { state } = yield* b.commit(es.slice(3, 4))
        assert.strictEqual(state.seq, 4)
        assert.strictEqual(hashOf(state), hashOf(fold(es.slice(0, 4))))
        yield* a.rollback(2)
        // b's journal was rewritten under it (not just extended): it reloads, then applies
        const after = yield* b.commit(es.slice(4, 5))
        assert.strictEqual(after.state.seq, 3)
        assert.strictEqual(hashOf(after.state), hashOf(fold([...es.slice(0, 2), es[4]!])))
        const exit = yield* Effect.exit(a.commit([]))
        assert.isTrue(Exit.isSuccess(exit), Exit.isFailure(exit) ? Cause.pretty(exit.cause) : "")
        assert.isTrue((yield* b.verify).ok)
      }).pipe(Effect.scoped))
  })
}
