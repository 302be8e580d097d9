/**
 * Laws of core/internal/Hamt.ts (what the graph reads of effect's private HAMT layout) and of
 * core/internal/Layer.ts (the draft's write-back layers).
 *
 * The first test FAILS when effect's private layout changes (an upgrade renames `_root`, a node
 * tag or field, or indexes its paths otherwise): the trimming that keeps the graph's heap small
 * would otherwise silently stop.
 */
import { Equal, Hash, HashMap, HashSet, Option } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { addTrimmed, layoutProblems, rootOf, setRoot, setTrimmed, trimAll, trimPath, type TrieNode } from "../core/internal/Hamt.ts"
import { Layer, Through } from "../core/internal/Layer.ts"

const arbKeys = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 0, maxLength: 120 })

/** The `children` arrays of every IndexedNode of a trie, in walk order. */
const arrays = (n: TrieNode | undefined, out: Array<unknown> = []): Array<unknown> => {
  if (n === undefined || n === null || !Array.isArray(n.children)) return out
  if (n._tag === "IndexedNode") out.push(n.children)
  for (const c of n.children) arrays(c as TrieNode | undefined, out)
  return out
}

describe("effect's private HAMT layout (core/internal/Hamt.ts)", () => {
  it("is the layout the trimming reads: layoutProblems() is empty (fails when effect changes it)", () => {
    expect(layoutProblems()).toEqual([])
  })

  it("the trie of a map is reachable and trimming replaces its arrays", () => {
    let m = HashMap.empty<string, number>()
    for (let i = 0; i < 50; i++) m = HashMap.set(m, "key " + i, i)
    const before = arrays(rootOf(m))
    expect(before.length).toBeGreaterThan(0)
    trimAll(rootOf(m))
    const after = arrays(rootOf(m))
    expect(after.length).toBe(before.length)
    expect(after.every((a, i) => a !== before[i])).toBe(true)
    let s = HashSet.empty<string>()
    for (let i = 0; i < 50; i++) s = HashSet.add(s, "key " + i)
    expect(arrays(setRoot(s)).length).toBeGreaterThan(0)
  })

  it("trimming changes nothing observable: same entries, lookups, size, equality and hash", () => {
    fc.assert(
      fc.property(arbKeys, fc.nat(), (keys, pick) => {
        let plain = HashMap.empty<string, number>()
        let trimmed = HashMap.empty<string, number>()
        let set = HashSet.empty<string>()
        keys.forEach((k, i) => {
          plain = HashMap.set(plain, k, i)
          trimmed = setTrimmed(trimmed, k, i)
          set = addTrimmed(set, k, Hash.string(k))
        })
        if (keys.length > 0) trimPath(rootOf(trimmed), Hash.string(keys[pick % keys.length]!))
        trimAll(rootOf(trimmed))
        expect(Equal.equals(plain, trimmed)).toBe(true)
        expect(Hash.hash(plain)).toBe(Hash.hash(trimmed))
        expect(Array.from(trimmed)).toEqual(Array.from(plain))
        expect(HashMap.size(trimmed)).toBe(keys.length)
        for (const [i, k] of keys.entries()) expect(Option.getOrUndefined(HashMap.get(trimmed, k))).toBe(i)
        expect(HashSet.size(set)).toBe(keys.length)
        for (const k of keys) expect(HashSet.has(set, k)).toBe(true)
      })
    )
  })
})

describe("the draft's write-back layers (core/internal/Layer.ts)", () => {
  const arbOps = fc.array(
    fc.tuple(fc.constantFrom("set", "remove", "get"), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 9 })),
    { maxLength: 80 }
  )

  it("Layer and Through: reads see the last write; flush == the source with the writes applied; the source is unchanged", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 20 }), arbOps, (initial, ops) => {
        let source = HashMap.empty<string, number>()
        for (const k of initial) source = HashMap.set(source, "k" + k, k)
        const copy = Array.from(source)
        const model = new Map(source)
        const layer = new Layer(source)
        const through = new Through(source)
        for (const [op, k, v] of ops) {
          const key = "k" + k
          if (op === "set") {
            model.set(key, v)
            layer.set(key, v)
            through.set(key, v)
          } else if (op === "remove") {
            model.delete(key)
            layer.remove(key)
            through.remove(key)
          } else {
            expect(layer.get(key)).toBe(model.get(key))
            expect(through.get(key)).toBe(model.get(key))
            expect(through.peek(key)).toBe(model.get(key))
          }
          expect(layer.size).toBe(model.size)
          expect(through.size).toBe(model.size)
        }
        const a = layer.flush()
        const b = through.flush()
        const want = HashMap.fromIterable(model)
        expect(Equal.equals(a, want)).toBe(true)
        expect(Equal.equals(b, want)).toBe(true)
        expect(Array.from(source)).toEqual(copy)
      })
    )
  })
})
