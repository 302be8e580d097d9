/**
 * Laws of the lexical tokeniser (`core/Text.ts`) and its reading of non-Latin scripts: words of
 * alphabetic scripts as words, CJK as character bigrams, so BM25 recall finds such texts.
 */
import { describe, expect, it } from "vitest"
import fc from "fast-check"
import * as Engram from "../core/Engram.ts"
import * as Params from "../core/Params.ts"
import * as Recall from "../core/Recall.ts"
import * as Replay from "../core/Replay.ts"
import * as Text from "../core/Text.ts"

const pieces = [
  "Alice", "café", "don't", " ", ", ", ".", "12", "我", "住在", "北京", "東京タワー", "ー", "に", "が", "ｶﾞ", "서울에", "살아요",
  "Москве", "Йошкар-Ола", "ёлка", "القاهرة", "أعيش", "שָׁלוֹם", "Ελλάδα", "𠀋", "the", "x"
]
const mixed = fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((ps) => ps.join(""))
const anyText = fc.oneof(mixed, fc.string({ unit: "grapheme", maxLength: 30 }), fc.string({ unit: "binary", maxLength: 30 }))

describe("Text.terms", () => {
  it("terms(terms(s).join(' ')) == terms(s) (idempotent), on any text and on mixed scripts", () => {
    fc.assert(fc.property(anyText, (s) => {
      const ts = Text.terms(s)
      expect(Text.terms(ts.join(" "))).toEqual(ts)
    }), { numRuns: 500 })
  })

  it("every term is non-empty, lowercase, letters and digits only, not a stop word; CJK terms are 1–2 characters", () => {
    const cjk = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u
    fc.assert(fc.property(anyText, (s) => {
      for (const t of Text.terms(s)) {
        expect(t).toMatch(/^[\p{L}\p{N}]+$/u)
        expect(t).toBe(t.toLowerCase())
        expect(Text.STOP_WORDS.has(t)).toBe(false)
        if (cjk.test(t)) expect(Array.from(t).length).toBeLessThanOrEqual(2)
      }
    }), { numRuns: 500 })
  })

  it("ASCII text: the lowercase letter/digit runs minus stop words (unchanged by the CJK rules)", () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(..."abcAB the.,'-09 ".split("")), maxLength: 40 }), (s) => {
      const naive = (s.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((t) => !Text.STOP_WORDS.has(t))
      expect(Text.terms(s)).toEqual(naive)
    }))
  })

  it("alphabetic scripts give words; marks folded; CJK gives bigrams, a lone character itself", () => {
    expect(Text.terms("Я живу в Москве")).toEqual(["я", "живу", "в", "москве"])
    expect(Text.terms("أَعيش في القاهرة")).toEqual(["اعيش", "في", "القاهرة"])
    expect(Text.terms("שָׁלוֹם Ελλάδα")).toEqual(["שלום", "ελλαδα"])
    expect(Text.terms("我住在北京")).toEqual(["我住", "住在", "在北", "北京"])
    expect(Text.terms("猫")).toEqual(["猫"])
    expect(Text.terms("서울에 살아요")).toEqual(["서울", "울에", "살아", "아요"])
    expect(Text.terms("東京タワー")).toEqual(["東京", "京タ", "タワ", "ワー"])
    // kana keep their voicing; half-width katakana fold to full width
    expect(Text.terms("がくせい ｶﾞｸ")).toEqual(["がく", "くせ", "せい", "ガク"])
    expect(Text.terms("abc北京2023年")).toEqual(["abc", "北京", "2023", "年"])
  })
})

describe("lexical recall of non-Latin text (BM25 over the terms)", () => {
  const p = Params.defaults
  const texts = {
    zh: "我的妹妹住在上海，她是医生。",
    ru: "Моя сестра живёт в Новосибирске и работает врачом.",
    ar: "أختي تعيش في الإسكندرية وتعمل طبيبة.",
    en: "Mira lives in Vell and works at the lighthouse."
  }
  let g = Replay.initial().graph
  let now = 1000
  for (const [id, text] of Object.entries(texts)) {
    g = Engram.engram(g, { episode: { id, text, time: null }, facts: [] }, p, now++).graph
  }
  const top = (query: string) => Recall.recall(g, { text: query }, p, now).result.episodes.map((e) => e.id)

  it("a query in the episode's script finds it first (no embedding)", () => {
    expect(top("上海")[0]).toBe("ep:zh")
    expect(top("妹妹住在哪里？")[0]).toBe("ep:zh")
    expect(top("Новосибирске")[0]).toBe("ep:ru")
    expect(top("Где живёт сестра?")[0]).toBe("ep:ru")
    expect(top("الإسكندرية")[0]).toBe("ep:ar")
    expect(top("Vell")[0]).toBe("ep:en")
  })
})
