/**
 * Record laws: records read back exactly what was written (events with their embeddings,
 * snapshots with their vectors), older JSON text reads as JSON, damage is detected.
 */
import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import * as Event from "../../core/Event.ts"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import * as Replay from "../../core/Replay.ts"
import * as Record from "./Record.ts"

const engram = (k: number, embedding: ReadonlyArray<number>) =>
  new Event.Engrammed({
    now: k,
    input: {
      episode: { id: `ep${k}`, text: `the text of ${k} — ünïcode`, time: k, embedding },
      entities: [{ label: `a${k}`, embedding }, { label: `b${k}` }],
      facts: [{ subject: `a${k}`, relation: "r", object: `b${k}` }]
    }
  })

describe("Record", () => {
  it("decode(encodeEvent(x)) deep-equals x; float32 values are stored in 4 bytes, others exactly in 8", () => {
    const f32 = Array.from({ length: 100 }, (_, i) => Math.fround(Math.sin(i)))
    const f64 = [0.1, 0.2, 1e-300, 3.5]
    for (const e of [engram(1, f32), engram(2, f64)]) {
      const encoded = Event.encode(e)
      const data = Record.encodeEvent(encoded)
      assert.isTrue(Record.isBinary(data))
      assert.deepStrictEqual(Record.decode(data), JSON.parse(JSON.stringify(encoded)))
      assert.isTrue(Object.is((Record.decode(Record.encodeEvent({ embedding: [-0] })) as { embedding: Array<number> }).embedding[0], -0))
    }
    const text = JSON.stringify(Event.encode(engram(1, f32)))
    // three copies of the 100 floats: ~1200 bytes binary instead of ~6000 as text
    assert.isBelow(Record.encodeEvent(Event.encode(engram(1, f32))).length, text.length / 2)
  })

  it("values without embeddings, and embeddings that are not number arrays, pass through unchanged", () => {
    for (const x of [{ a: 1 }, [1, 2, { embedding: "no" }], { embedding: [] }, { embedding: [1, "x"] }, { deep: [{ embedding: [1.5] }] }]) {
      assert.deepStrictEqual(Record.decode(Record.encodeEvent(x)), x)
    }
  })

  it("decode of older stores' JSON text is JSON.parse", () => {
    const text = JSON.stringify(Event.encode(engram(3, [1, 2, 3])))
    assert.deepStrictEqual(Record.decode(Buffer.from(text, "utf8")), JSON.parse(text))
  })

  it("decode(encodeSnapshot(s)) restores the same state; vectors are stored once, raw", () => {
    const events = Array.from({ length: 30 }, (_, k) => engram(k, Array.from({ length: 64 }, (_, i) => Math.fround(Math.cos(i * k + 1)))))
    const state = Result.getOrThrow(Replay.replay(events))
    const snapshot = Replay.snapshot(state)
    const data = Record.encodeSnapshot(snapshot)
    assert.deepStrictEqual(Record.decode(data), JSON.parse(JSON.stringify(snapshot)))
    const restored = Result.getOrThrow(Replay.restore(Record.decode(data)))
    assert.strictEqual(LiquidGraph.contentHash(restored.graph), LiquidGraph.contentHash(state.graph))
    assert.isBelow(data.length, JSON.stringify(snapshot).length / 2)
  })

  it("decodeSnapshot(encodeSnapshotParts(p)) gives p back (vectors bit for bit) and restores the same state; older snapshot records read as Json", () => {
    const events = Array.from({ length: 30 }, (_, k) => engram(k, Array.from({ length: 64 }, (_, i) => Math.fround(Math.cos(i * k + 1)))))
    const state = Result.getOrThrow(Replay.replay(events))
    const parts = Replay.snapshotParts(state)
    const data = Record.encodeSnapshotParts(parts)
    const content = Record.decodeSnapshot(data)
    assert.strictEqual(content._tag, "Parts")
    if (content._tag !== "Parts") return
    assert.deepStrictEqual(content.json, JSON.parse(JSON.stringify(parts.json)))
    assert.deepStrictEqual(content.ids, parts.ids)
    assert.strictEqual(content.dim, parts.dim)
    assert.deepStrictEqual(new Uint8Array(content.vectors.buffer), new Uint8Array(parts.vectors.buffer, parts.vectors.byteOffset, parts.vectors.byteLength))
    const restored = Result.getOrThrow(Replay.restoreParts(content.json, content.ids, content.vectors, content.dim))
    assert.strictEqual(LiquidGraph.contentHash(restored.graph), LiquidGraph.contentHash(state.graph))
    assert.isBelow(data.length, Record.encodeSnapshot(Replay.snapshot(state)).length)
    const old = Record.decodeSnapshot(Record.encodeSnapshot(Replay.snapshot(state)))
    assert.strictEqual(old._tag, "Json")
    assert.throws(() => Record.decodeSnapshot(data.subarray(0, data.length - 1)))
  })

  it("damaged records are refused: truncated, wrong lengths, unknown version", () => {
    const data = Record.encodeEvent(Event.encode(engram(4, [0.5, 0.25])))
    assert.throws(() => Record.decode(data.subarray(0, data.length - 1)))
    assert.throws(() => Record.decode(data.subarray(0, 10)))
    const v2 = Uint8Array.from(data)
    v2[1] = 9
    assert.throws(() => Record.decode(v2))
    assert.throws(() => Record.decode(new Uint8Array(0)))
  })
})
