/**
 * Tests of the Router: the routing table, sentence splitting, and the service layer.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Router from "./Router.ts"

const table: ReadonlyArray<readonly [string, Router.Route]> = [
  ["Where does Alice live?", "ask"],
  ["Where does Alice live", "ask"],
  ["who's the CEO of Acme", "ask"],
  ["What is the capital of France?", "ask"],
  ["How are Alice and Bob connected?", "ask"],
  ["Is Alice in Paris", "ask"],
  ["Does Bob work at Acme?", "ask"],
  ["Tell me about Alice.", "ask"],
  ["Remind me what Bob does.", "ask"],
  ["List everything you know about Acme.", "ask"],
  ["Explain the rules of the game.", "ask"],
  ["Do you know where Alice lives.", "ask"],
  ["Alice lives in Paris.", "write"],
  ["Alice moved to Paris in 2021.", "write"],
  ["Bob works at Acme. He likes tea.", "write"],
  ["Do the dishes.", "write"],
  ["The red key opens the blue door!", "write"],
  ["Alice moved to Paris. Where does she live?", "both"],
  ["Where does Alice live? She moved last year.", "both"],
  ["Bob quit Acme.\nWho works at Acme now", "both"],
  ["", "ask"],
  ["   ", "ask"]
]

describe("Router.decide", () => {
  for (const [text, route] of table) {
    it(`${JSON.stringify(text)} → ${route}`, () => {
      assert.strictEqual(Router.decide(text).route, route)
    })
  }

  it("splits the statement and the question of a mixed request", () => {
    const d = Router.decide("Alice moved to Paris. Where does she live?")
    assert.strictEqual(d.statement, "Alice moved to Paris.")
    assert.strictEqual(d.question, "Where does she live?")
    assert.deepStrictEqual(d.sentences.map((s) => s.kind), ["statement", "question"])
  })

  it("does not end a sentence at a decimal point or an initial", () => {
    assert.deepStrictEqual(Router.sentences("Pi is 3.14 roughly. J. Smith wrote it?!"), [
      "Pi is 3.14 roughly.",
      "J. Smith wrote it?!"
    ])
  })

  it.effect("the rule layer routes like decide", () =>
    Effect.gen(function*() {
      const router = yield* Router.Router
      for (const [text, route] of table) assert.strictEqual((yield* router.route(text)).route, route)
    }).pipe(Effect.provide(Router.Router.layerRules)))
})

describe("Router.sentences", () => {
  it("where a sentence ends depends only on its own text and what follows, not on the sentence before", () => {
    // "Dr." is an abbreviation whether or not the previous sentence's "!." touches it (the
    // streamed reader of `mags ingest` cuts between sentences and must split as the whole text does)
    assert.deepStrictEqual(Router.sentences("Mira!.Dr. Mira"), ["Mira!.", "Dr. Mira"])
    assert.deepStrictEqual(Router.sentences("Dr. Mira"), ["Dr. Mira"])
    assert.deepStrictEqual(Router.sentences("Wow!.J. Smith came."), ["Wow!.", "J. Smith came."])
    assert.deepStrictEqual(Router.sentences("Kim came. Dr. Mira left."), ["Kim came.", "Dr. Mira left."])
  })
})
