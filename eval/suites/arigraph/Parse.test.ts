import { describe, expect, it } from "vitest"
import {
  cleanObservation,
  parseJsonBlock,
  parseLog,
  parseOutdated,
  parseStringList,
  parseTriplet,
  parseTripletList,
  tripletKey
} from "./Parse.ts"

const values = (s: string) => {
  const r = parseStringList(s)
  if (!r.ok) throw new Error(r.error)
  return r.value
}

describe("Python string lists", () => {
  it("reads single and double quotes, mixed", () => {
    expect(values(`['a, b, c', "d, e, f"]`)).toEqual(["a, b, c", "d, e, f"])
    expect(values(`[]`)).toEqual([])
    expect(values(`( 'x' , )`)).toEqual(["x"])
  })
  it("decodes escapes", () => {
    expect(values(`['it\\'s, is, here', "say \\"hi\\", to, you"]`)).toEqual(["it's, is, here", `say "hi", to, you`])
    expect(values(`["a\\\\b", 'tab\\there', '\\x41\\u00e9']`)).toEqual(["a\\b", "tab\there", "Aé"])
    expect(values(`["double 'inside' single"]`)).toEqual(["double 'inside' single"])
    expect(values(`['single "inside" double']`)).toEqual([`single "inside" double`])
  })
  it("reports broken lists instead of throwing", () => {
    expect(parseStringList(`['a', 'b'`).ok).toBe(false)
    expect(parseStringList(`['a' 'b']`).ok).toBe(false)
    expect(parseStringList(`['unterminated]`).ok).toBe(false)
    expect(parseStringList(`[a, b]`).ok).toBe(false)
    expect(parseStringList(`['a'] trailing`).ok).toBe(false)
  })
})

describe("triplets", () => {
  it("splits into three trimmed parts and normalises the key like the core", () => {
    const t = parseTriplet(" Key 1 , is on ,  floor. ")
    expect(t).toEqual({ subject: "Key 1", relation: "is on", object: "floor.", key: "key 1|is_on|floor" })
    expect(tripletKey("The Golden Locker", "Is In", "room A")).toBe("golden locker|is_in|room a")
  })
  it("rejects anything but three non-empty parts", () => {
    expect(parseTriplet("a, b")).toBeNull()
    expect(parseTriplet("a, b, c, d")).toBeNull()
    expect(parseTriplet("a, , c")).toBeNull()
    expect(parseTriplet("..., b, c")).toBeNull()
  })
  it("keeps the good triplets of a list and reports the bad ones", () => {
    const r = parseTripletList(`['a, r, b', 'not a triplet', "c, r, d"]`)
    expect(r.listOk).toBe(true)
    expect(r.triplets.map((t) => t.key)).toEqual(["a|r|b", "c|r|d"])
    expect(r.errors).toHaveLength(1)
  })
})

describe("outdated pairs", () => {
  const keys = (s: string) => parseOutdated(s).pairs.map((p) => `${p.old.key} -> ${p.replacement.key}`)
  it("reads every quoting the logs use", () => {
    const want = ["key 1|is_in|room a -> key 1|is_in|inventory"]
    expect(keys(`[["key 1, is in, room a" -> "key 1, is in, inventory"]]`)).toEqual(want)
    expect(keys(`[['key 1, is in, room a' -> 'key 1, is in, inventory']]`)).toEqual(want)
    expect(keys(`[["key 1, is in, room a -> key 1, is in, inventory"]]`)).toEqual(want)
    expect(keys(`[[key 1, is in, room a -> key 1, is in, inventory]]`)).toEqual(want)
    expect(keys(`Replacing: [["key 1, is in, room a" -> "key 1, is in, inventory"]]`)).toEqual(want)
  })
  it("reads several pairs and empty lists", () => {
    expect(keys(`[[a, r, b -> a, r, c], ['x, s, y -> x, s, z'], ["p, q, r" -> "p, q, s"]]`)).toEqual([
      "a|r|b -> a|r|c",
      "x|s|y -> x|s|z",
      "p|q|r -> p|q|s"
    ])
    expect(parseOutdated(`Replacing: []`)).toEqual({ pairs: [], errors: [] })
    expect(parseOutdated(`[]`)).toEqual({ pairs: [], errors: [] })
  })
  it("handles escaped quotes inside a side", () => {
    expect(keys(`[["bob\\"s key, is in, box" -> "bob\\"s key, is in, bag"]]`)).toEqual(["bob s key|is_in|box -> bob s key|is_in|bag"])
  })
  it("drops malformed pairs, keeps the others, never throws", () => {
    // the real clean.log has a pair with no "->"
    const r = parseOutdated(`[["a, r, b" -> "a, r, c"], ["wet towel, is in, inventory"]]`)
    expect(r.pairs).toHaveLength(1)
    expect(r.errors[0]).toMatch(/->/)
    const cut = parseOutdated(`[["a, r, b" -> "a, r, c"], ["x, r, y" -> "x, r`)
    expect(cut.pairs).toHaveLength(1)
    expect(cut.errors.length).toBeGreaterThan(0)
    expect(parseOutdated(`nonsense`).errors).toHaveLength(1)
    expect(parseOutdated(`[["a, b" -> "a, r, c"]]`).errors[0]).toMatch(/old side/)
  })
})

describe("JSON blocks", () => {
  it("parses the first balanced object, braces inside strings included", () => {
    const r = parseJsonBlock(`{\n  "reason_for_action": "a {brace}",\n  "action_to_take": "go west"\n}\ntokens: 3`)
    expect(r.ok && r.value).toEqual({ reason_for_action: "a {brace}", action_to_take: "go west" })
    expect(parseJsonBlock(`{ "a": 1, }`).ok).toBe(false)
    expect(parseJsonBlock(`{ "a": 1`).ok).toBe(false)
  })
})

const LOG = `Attempt: 1

Step: 1
Observation: 
Game step #1
$ 

-= Room A =-
You are in Room A.

There is a Key 1 on the floor.
Ingredients:
  not a header
Inventory: You are carrying nothing.
Crucial items: {'room a': 1}
New triplets: ['key 1, is in, room a', "room a, has exit, west"]
Outdated triplets: Replacing: []
Associated_subgraph: ()
Graph: ['key 1, is in, room a', 'room a, has exit, west']
Plan0: {
  "main_goal": "win"
}
Action: {
  "reason_for_action": "why not",
  "action_to_take": "take Key 1"
}
tokens prompt total: 10


NAVIGATION


Navigation step: 1
Observation: 

-= Room B =-
New triplets: ['ignored, during, navigation']

Step: 2
Observation: You take the key.
New triplets: ['key 1, is in, inventory', 'broken triplet']
Outdated triplets: [["key 1, is in, room a" -> "key 1, is in, inventory"], ["no arrow here"]]
Graph: ['room a, has exit, west', 'key 1, is in, inventory'
Plan0: { "main_goal": 
Action: {"action_to_take": "go west"}
Attempt: 2
======================================================================
Step: 1
Observation: Step: 1
Fresh start.
>                         -= Room A =-0/1
Crucial items: {}
New triplets: ['a, r, b']
Outdated triplets: []
Action: not json
`

describe("parseLog", () => {
  const log = parseLog(LOG)
  it("splits attempts and steps", () => {
    expect(log.attempts.map((a) => [a.attempt, a.steps.map((s) => s.step)])).toEqual([
      [1, [1, 2]],
      [2, [1]]
    ])
    expect(log.navigationSteps).toBe(1)
  })
  it("reads multi-line observations up to the next header, cleaned", () => {
    const s1 = log.attempts[0]!.steps[0]!
    expect(s1.observation).toBe("-= Room A =-\nYou are in Room A.\n\nThere is a Key 1 on the floor.\nIngredients:\n  not a header")
    expect(log.attempts[1]!.steps[0]!.observation).toBe("Fresh start.")
    expect(cleanObservation("Game step #3\n$ \n\n\n\nHello\n> status")).toBe("Hello")
  })
  it("reads triplets, graph, plan and action", () => {
    const s1 = log.attempts[0]!.steps[0]!
    expect(s1.newTriplets.map((t) => t.key)).toEqual(["key 1|is_in|room a", "room a|has_exit|west"])
    expect(s1.graph?.map((t) => t.key)).toEqual(["key 1|is_in|room a", "room a|has_exit|west"])
    expect(s1.outdated).toEqual([])
    expect(s1.plan).toEqual({ main_goal: "win" })
    expect(s1.action).toBe("take Key 1")
  })
  it("skips navigation blocks", () => {
    const all = log.attempts.flatMap((a) => a.steps.flatMap((s) => s.newTriplets.map((t) => t.key)))
    expect(all).not.toContain("ignored|during|navigation")
  })
  it("counts malformed sections and keeps what parsed", () => {
    const s2 = log.attempts[0]!.steps[1]!
    expect(s2.newTriplets.map((t) => t.key)).toEqual(["key 1|is_in|inventory"])
    expect(s2.outdated.map((p) => p.old.key)).toEqual(["key 1|is_in|room a"])
    expect(s2.graph).toBeNull() // the unterminated Graph: list
    expect(s2.plan).toBeNull()
    expect(s2.action).toBe("go west")
    expect(log.attempts[1]!.steps[0]!.graph).toBeNull()
    const sections = log.malformed.map((m) => m.section).sort()
    // the second "New triplets" is the one inside the navigation block: dropped, and reported
    expect(sections).toEqual(["Action", "Graph", "New triplets", "New triplets", "Outdated triplets", "Plan0"])
    expect(log.malformed.filter((m) => m.reason === "outside a step")).toHaveLength(1)
    expect(log.malformed.every((m) => m.line > 0 && m.reason.length > 0)).toBe(true)
  })
  it("never throws on garbage", () => {
    for (const junk of ["", "Step: x\nNew triplets: [", "Outdated triplets: [[[[", "Graph: ['a", "\u0000\u0001Observation:"]) {
      expect(() => parseLog(junk)).not.toThrow()
    }
    expect(parseLog("Step: x\nNew triplets: [").malformed.length).toBe(2)
  })
})
