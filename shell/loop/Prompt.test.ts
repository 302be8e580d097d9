/**
 * Tests of Prompt: budget respected, priorities, paths rendered, history from working memory.
 */
import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import * as Event from "../../core/Event.ts"
import * as Recall from "../../core/Recall.ts"
import * as Replay from "../../core/Replay.ts"
import * as Prompt from "./Prompt.ts"

const T0 = Date.UTC(2025, 0, 1)

const events = [
  new Event.Engrammed({
    now: T0,
    input: {
      episode: { id: "t1", text: "User: Alice lives in Paris.\nAssistant: Noted.", time: T0 },
      facts: [
        { subject: "Alice", relation: "lives_in", object: "Paris" },
        { subject: "Alice", relation: "works_at", object: "Acme" },
        { subject: "Acme", relation: "located_in", object: "Berlin" },
        { subject: "Bob", relation: "likes", object: "Alice", negated: true }
      ]
    }
  }),
  new Event.Engrammed({
    now: T0 + 1000,
    input: { episode: { id: "t2", text: "User: Bob is Alice's brother.\nAssistant: Ok.", time: T0 + 1000 }, facts: [] }
  })
]

const state = Result.getOrThrow(Replay.replay(events))
const recalled = Recall.recall(state.graph, { text: "Alice" }, state.params, T0 + 2000).result
const input: Prompt.Input = { instructions: "Be brief.", user: "Where does Alice live?", facts: recalled.facts }
const systemOf = (p: Prompt.Assembled) => String(p.messages[0]!.content)

describe("Prompt.renderFact", () => {
  it("renders a fact with its justifying path", () => {
    const lines = recalled.facts.map((f) => Prompt.renderFact(state.graph, f))
    assert.include(lines, "Alice —lives_in→ Paris (via Alice)")
    assert.include(lines, "Bob —not likes→ Alice (via Alice)")
    assert.include(lines, "Acme —located_in→ Berlin (via Alice → Acme)")
  })
})

describe("Prompt.assemble", () => {
  it("shows facts (most relevant first) and the working history (oldest first) within a large budget", () => {
    const p = Prompt.assemble(state.graph, input, { budget: 10_000 })
    assert.strictEqual(p.facts.length, recalled.facts.length)
    assert.deepStrictEqual(p.history, ["ep:t1", "ep:t2"])
    assert.deepStrictEqual(p.dropped, { facts: 0, history: 0, related: 0 })
    const system = systemOf(p)
    assert.include(system, "- Alice —lives_in→ Paris (via Alice)")
    assert.isBelow(system.indexOf("Alice lives in Paris. / Assistant: Noted."), system.indexOf("Bob is Alice's brother"))
    assert.deepStrictEqual(p.messages[1], { role: "user", content: "Where does Alice live?" })
    const scores = recalled.facts.map((f) => f.score)
    assert.deepStrictEqual(scores, [...scores].sort((a, b) => b - a))
  })

  it("respects the budget at every size, and more budget never shows fewer facts", () => {
    let previous = -1
    for (let budget = 0; budget <= 200; budget += 3) {
      const p = Prompt.assemble(state.graph, input, { budget })
      const fixed = Prompt.estimateTokens(input.instructions) + Prompt.estimateTokens(input.user)
      if (fixed <= budget) {
        assert.isAtMost(p.tokens, budget, `budget ${budget}`)
        // the counted tokens bound the real estimate of the texts sent
        assert.isAtMost(Prompt.estimateTokens(systemOf(p)) + Prompt.estimateTokens(input.user), p.tokens)
      } else {
        assert.strictEqual(p.facts.length + p.history.length, 0)
      }
      assert.isAtLeast(p.facts.length, previous)
      previous = p.facts.length
      // every candidate fact is either shown or counted as dropped
      assert.strictEqual(p.facts.length + p.dropped.facts, recalled.facts.length)
    }
  })

  it("drops facts before it cuts anything, and facts take priority over history", () => {
    const full = Prompt.assemble(state.graph, input, { budget: 10_000 })
    const tight = Prompt.assemble(state.graph, input, { budget: full.tokens - 20 })
    assert.strictEqual(tight.facts.length, recalled.facts.length)
    assert.isBelow(tight.history.length, 2)
    for (const line of tight.facts) assert.include(full.facts, line)
  })

  it("counts with the given tokenizer", () => {
    const words = (t: string) => t.split(/\s+/).filter((w) => w.length > 0).length
    const p = Prompt.assemble(state.graph, input, { budget: 30, tokenizer: words })
    assert.isAtMost(p.tokens, 30)
    assert.isAbove(p.facts.length, 0)
  })

  it("shows at most historyEpisodes recent turns, newest kept", () => {
    const p = Prompt.assemble(state.graph, input, { budget: 10_000, historyEpisodes: 1 })
    assert.deepStrictEqual(p.history, ["ep:t2"])
  })

  it("appends the scratch after the user's message", () => {
    const p = Prompt.assemble(state.graph, { ...input, scratch: [{ role: "assistant", text: "<recall>x</recall>" }, { role: "user", text: "Memory results: none" }] }, { budget: 10_000 })
    assert.deepStrictEqual(p.messages.slice(2).map((m) => m.role), ["assistant", "user"])
  })

  it("tool calls and their results in the scratch: an assistant message with tool-call parts, a tool message with a result per id; both are counted", () => {
    const scratch: ReadonlyArray<Prompt.ScratchMessage> = [
      { role: "assistant", text: "", toolCalls: [{ id: "c1", name: "recall", params: { query: "Alice" } }, { id: "c2", name: "oops", params: "{bad" }] },
      { role: "tool", results: [{ id: "c1", name: "recall", text: "Alice lives in Paris", isFailure: false }, { id: "c2", name: "oops", text: "error: unknown tool", isFailure: true }] }
    ]
    const p = Prompt.assemble(state.graph, { ...input, scratch }, { budget: 10_000 })
    assert.deepStrictEqual(p.messages.slice(2), [
      {
        role: "assistant",
        content: [{ type: "tool-call", id: "c1", name: "recall", params: { query: "Alice" } }, { type: "tool-call", id: "c2", name: "oops", params: "{bad" }]
      },
      {
        role: "tool",
        content: [
          { type: "tool-result", id: "c1", name: "recall", result: "Alice lives in Paris", isFailure: false },
          { type: "tool-result", id: "c2", name: "oops", result: "error: unknown tool", isFailure: true }
        ]
      }
    ])
    const without = Prompt.assemble(state.graph, input, { budget: 10_000 })
    assert.isAbove(p.tokens, without.tokens)
  })
})

describe("Prompt.renderPath", () => {
  it("names every node in order, each edge's relation in its stored direction", () => {
    assert.strictEqual(
      Prompt.renderPath(state.graph, { nodes: ["paris", "alice", "acme"], edges: ["f|alice|lives_in|paris", "f|alice|works_at|acme"] }),
      "Paris ←lives_in— Alice —works_at→ Acme"
    )
    assert.strictEqual(Prompt.renderPath(state.graph, { nodes: ["alice"], edges: [] }), "Alice")
  })
})
