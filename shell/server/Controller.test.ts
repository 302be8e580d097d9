/**
 * The HTTP API under a trained memory controller (`mags serve --policy FILE`): its recall decision
 * reaches the route's recall (RecallView.controller, and the depth in the journal's Recalled
 * input); without one, the hand-written rules (default recall, no override in the journal).
 */
import { Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Controller from "../../core/Controller.ts"
import * as Policy from "../../core/Policy.ts"
import * as MemoryController from "../loop/MemoryController.ts"
import { call, type Running, start, TOKENS } from "./testing.ts"

const deep = Policy.initial(Controller.SPEC, () => 0, (head, action) => (head === "recall" && action === "deep" ? 5 : 0))

let learned: Running
let hand: Running
beforeAll(async () => {
  learned = await start({}, undefined, Layer.succeed(MemoryController.MemoryController, { controller: Controller.learned(deep), source: "policy.json" }))
  hand = await start()
})
afterAll(async () => {
  await learned.close()
  await hand.close()
})

const recallOn = async (server: Running) => {
  const M = `${server.url}/v1/memories/alice/assistant/s1`
  const ingest = await call(`${M}/ingest`, { token: TOKENS.alice, body: { text: "Alice lives in Paris. Paris is in France." } })
  expect(ingest.status, ingest.text).toBe(200)
  const r = await call(`${M}/recall`, { token: TOKENS.alice, body: { query: "Where does Alice live?" } })
  expect(r.status, r.text).toBe(200)
  return { view: r.json, journal: await server.journal() }
}

describe("the HTTP API's recall and the memory controller", () => {
  it("a trained policy's deep recall: reported, and recorded in the Recalled event's input", async () => {
    const { view, journal } = await recallOn(learned)
    expect(view.controller).toBe("deep")
    expect(journal).toContain(`\\"reach\\":\\"deep\\"`)
  })

  it("the hand-written rules: default recall, no override recorded", async () => {
    const { view, journal } = await recallOn(hand)
    expect(view.controller).toBe("default")
    expect(journal).not.toContain(`\\"reach\\"`)
  })
})
