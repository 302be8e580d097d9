/**
 * Glove tests: tokenising, stop words, SIF weights, OOV handling and determinism, on a small
 * hand-made table whose vectors are chosen so the expected sentence vectors are computable.
 */
import { assert, describe, it } from "@effect/vitest"
import { cosine } from "../../core/Similarity.ts"
import * as Glove from "./Glove.ts"
import * as GloveCache from "./GloveCache.ts"

// rank: word → 4-d vector. "cat"/"kitten" close, "market"/"stock" close, the two groups apart.
const ENTRIES: ReadonlyArray<readonly [string, ReadonlyArray<number>]> = [
  ["the", [5, 5, 5, 5]],
  ["cat", [1, 0, 0, 0]],
  ["on", [0, 0, 0, 9]],
  ["rug", [0, 1, 0, 0]],
  ["kitten", [0.9, 0.2, 0, 0]],
  ["carpet", [0.1, 0.95, 0, 0]],
  ["market", [0, 0, 1, 0]],
  ["stock", [0, 0, 0.9, 0.3]],
  ["well-known", [0, 0, 0, 1]],
  ["well", [0.5, 0.5, 0, 0]],
  ["not", [0, 0, 0, -1]]
]

const table: Glove.WordTable = GloveCache.decode(
  GloveCache.encode(
    { dims: 4, words: ENTRIES.map(([w]) => w), vectors: Float32Array.from(ENTRIES.flatMap(([, v]) => v)) },
    "float32",
    "fixture@1"
  ),
  "fixture@1"
) as GloveCache.GloveTable

const rank = (w: string) => ENTRIES.findIndex(([x]) => x === w)
const vec = (w: string) => ENTRIES[rank(w)]![1]
const hN = Glove.harmonic(ENTRIES.length)

const unit = (v: ArrayLike<number>): Array<number> => {
  const n = Math.hypot(...Array.from(v))
  return Array.from(v, (x) => x / n)
}

const close = (actual: ArrayLike<number>, expected: ArrayLike<number>, eps = 1e-6) => {
  assert.strictEqual(actual.length, expected.length)
  for (let i = 0; i < actual.length; i++) assert.approximately(actual[i]!, expected[i]!, eps, `component ${i}`)
}

describe("Glove.tokenize", () => {
  it("lowercases, splits apostrophes, keeps hyphenated compounds, drops punctuation", () => {
    assert.deepStrictEqual(Glove.tokenize("Alice's well-known CAT, sat!"), ["alice", "s", "well-known", "cat", "sat"])
    assert.deepStrictEqual(Glove.tokenize("Ｃａｆé 2021 — ok?"), ["café", "2021", "ok"])
    assert.deepStrictEqual(Glove.tokenize("... !!"), [])
  })
})

describe("Glove.sifWeight", () => {
  it("is in (0, 1), increases with rank and with a", () => {
    const h = Glove.harmonic(341479)
    let previous = 0
    for (const r of [0, 1, 10, 100, 1000, 10000, 341478]) {
      const w = Glove.sifWeight(r, h)
      assert.isAbove(w, previous)
      assert.isBelow(w, 1)
      previous = w
    }
    assert.isAbove(Glove.sifWeight(5, h, 1e-2), Glove.sifWeight(5, h, 1e-3))
    assert.approximately(Glove.sifWeight(0, h), 0.0131, 1e-3)
  })

  it("harmonic: exact below 1,000, asymptotic above agrees with the sum", () => {
    assert.strictEqual(Glove.harmonic(1), 1)
    assert.approximately(Glove.harmonic(4), 1 + 1 / 2 + 1 / 3 + 1 / 4, 1e-15)
    let h = 0
    for (let k = 1; k <= 5000; k++) h += 1 / k
    assert.approximately(Glove.harmonic(5000), h, 1e-10)
  })
})

describe("Glove.embed", () => {
  it("is the normalised SIF-weighted sum of the content words", () => {
    const wc = Glove.sifWeight(rank("cat"), hN)
    const wr = Glove.sifWeight(rank("rug"), hN)
    const expected = unit(vec("cat").map((x, d) => wc * x + wr * vec("rug")[d]!))
    close(Glove.embed(table, "cat rug"), expected)
    // Rarer words weigh more: with SIF, the rug (rank 3) pulls harder than the cat (rank 1).
    const v = Glove.embed(table, "cat rug")
    assert.isAbove(v[1]!, v[0]!)
    // Without SIF (a → ∞) the two weigh the same.
    const flat = Glove.embed(table, "cat rug", { a: 1e12 })
    assert.approximately(flat[0]!, flat[1]!, 1e-6)
  })

  it("removes stop words: 'the' and 'on' (in the vocabulary) do not change the vector", () => {
    close(Glove.embed(table, "The cat on the rug"), Glove.embed(table, "cat rug"))
    assert.isTrue(Glove.STOP_WORDS.has("the") && Glove.STOP_WORDS.has("on"))
    assert.isFalse(Glove.STOP_WORDS.has("not"), "negations are content")
    close(Glove.embed(table, "not cat"), unit(vec("cat").map((x, d) => Glove.sifWeight(rank("cat"), hN) * x + Glove.sifWeight(rank("not"), hN) * vec("not")[d]!)))
  })

  it("skips out-of-vocabulary words; all-OOV or empty text is the zero vector", () => {
    close(Glove.embed(table, "cat zyzzyva rug qwerty"), Glove.embed(table, "cat rug"))
    assert.deepStrictEqual(Array.from(Glove.embed(table, "zyzzyva qwerty")), [0, 0, 0, 0])
    assert.deepStrictEqual(Array.from(Glove.embed(table, "the on")), [0, 0, 0, 0])
    assert.deepStrictEqual(Array.from(Glove.embed(table, "")), [0, 0, 0, 0])
    assert.strictEqual(cosine(Glove.embed(table, ""), Glove.embed(table, "cat")), 0)
  })

  it("a known hyphenated compound is one word; an unknown one falls back to its parts", () => {
    close(Glove.embed(table, "well-known"), unit(vec("well-known")))
    const wc = Glove.sifWeight(rank("cat"), hN)
    const wk = Glove.sifWeight(rank("kitten"), hN)
    close(Glove.embed(table, "cat-kitten"), unit(vec("cat").map((x, d) => wc * x + wk * vec("kitten")[d]!)))
    assert.deepStrictEqual(Glove.contentRows(table, "the-cat"), [rank("cat")])
  })

  it("is deterministic, order-free, unit length, and ranks neighbours above strangers", () => {
    const a = Glove.embed(table, "the cat on the rug")
    assert.deepStrictEqual(Array.from(Glove.embed(table, "the cat on the rug")), Array.from(a))
    close(Glove.embed(table, "rug the cat"), a)
    assert.approximately(Math.hypot(...Array.from(a)), 1, 1e-6)
    const paraphrase = cosine(a, Glove.embed(table, "a kitten on a carpet"))
    const stranger = cosine(a, Glove.embed(table, "the stock market"))
    assert.isAbove(paraphrase, 0.95)
    assert.isBelow(stranger, 0.2)
  })
})
