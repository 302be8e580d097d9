import { describe, expect, it } from "vitest"
import { Event, Fact, LiquidGraph, Params, Relation, Replay } from "../../core/index.ts"
import { bm25TopK, magsMemory, run, session, truncateWindow } from "./Agents.ts"
import * as Kitchen from "./Kitchen.ts"
import * as Maze from "./Maze.ts"
import { mean, perStep, recoveries, rollingRate } from "./Metrics.ts"
import * as Nonsense from "./Nonsense.ts"
import { figures } from "./Games.ts"
import { latestBeliefs, triple } from "./World.ts"

describe("nonsense world", () => {
  const cfg = Nonsense.quickConfig
  it("changes the rules exactly at the seeded steps, and only there", () => {
    let tr = Nonsense.reset(cfg, 7)
    const changes = tr.state.changeSteps
    expect(changes.length).toBe(cfg.changes)
    expect(new Set(changes).size).toBe(cfg.changes)
    const seen: Array<number> = []
    while (!tr.done) {
      const before = tr.state.counter
      tr = Nonsense.step(tr.state, tr.state.tokens[0]!)
      if (JSON.stringify(before) !== JSON.stringify(tr.state.counter)) seen.push(tr.state.t)
    }
    expect(seen).toEqual([...changes])
    expect(tr.state.changed.every((c) => c.length === Math.round(cfg.changeFraction * cfg.tokens * cfg.colours))).toBe(true)
  })
  it("a win is exactly playing the counter; parse reads the outcome as a triple", () => {
    const tr = Nonsense.reset(cfg, 3)
    const s = tr.state
    const win = Nonsense.step(s, s.counter[s.opponent + "|" + s.colour]!)
    expect(win.reward).toBe(1)
    const ts = Nonsense.parse(win.observation.text)
    expect(ts).toEqual([triple(Nonsense.situation(s.opponent, s.colour), "is beaten by", s.counter[s.opponent + "|" + s.colour]!, false, 0)])
    const lose = Nonsense.step(s, s.opponent)
    expect(lose.reward).toBe(0)
    expect(Nonsense.parse(lose.observation.text)[0]!.negated).toBe(true)
  })
  it("same seed, same trajectory; another seed, another one", async () => {
    const a = await run(Nonsense.world, cfg, 11, "mags")
    const b = await run(Nonsense.world, cfg, 11, "mags")
    const c = await run(Nonsense.world, cfg, 12, "mags")
    expect(a.steps).toEqual(b.steps)
    expect(a.steps.map((s) => s.action)).not.toEqual(c.steps.map((s) => s.action))
  })
  it("the policy plays a believed winner, else explores untried tokens before known losers", () => {
    const o = Nonsense.reset(cfg, 5).observation
    const sit = o.query
    const [t0, t1] = o.tokens
    expect(Nonsense.decide(o, [triple(sit, "is beaten by", t1!, false, 3)]).action).toBe(t1)
    const losers = o.tokens.slice(0, -1).map((t, i) => triple(sit, "is beaten by", t, true, i))
    expect(Nonsense.decide(o, losers).action).toBe(o.tokens[o.tokens.length - 1])
    const all = o.tokens.map((t, i) => triple(sit, "is beaten by", t, true, 10 - i))
    expect(Nonsense.decide(o, all).action).toBe(o.tokens[o.tokens.length - 1])
    // a later loss overrides an earlier win
    expect(Nonsense.decide(o, [triple(sit, "is beaten by", t0!, false, 1), triple(sit, "is beaten by", t0!, true, 2)]).used).toEqual([])
  })
})

describe("maze world", () => {
  it("every start can reach the goal (the maze is solvable)", () => {
    for (const seed of [1, 2, 3]) {
      const { state } = Maze.reset(Maze.defaultConfig, seed)
      for (const start of state.starts) {
        const seen = new Set([start])
        let frontier = [start]
        while (frontier.length > 0) frontier = frontier.flatMap((r) => Object.values(state.exits[r]!).filter((x) => !seen.has(x) && seen.add(x)))
        expect(seen.has(state.goal)).toBe(true)
        expect(seen.size).toBe(state.rooms.length)
      }
    }
  })
  it("exits are two-way and a move is parsed as a triple", () => {
    const tr = Maze.reset(Maze.quickConfig, 4)
    const d = tr.observation.exits[0]!
    const next = Maze.step(tr.state, "go " + d)
    const to = tr.state.exits[tr.state.room]![d]!
    expect(Object.values(tr.state.exits[to]!)).toContain(tr.state.room)
    expect(Maze.parse(next.observation.text)[0]).toEqual(triple(tr.state.room, `${d} leads to`, to, false, 0))
  })
})

describe("kitchen world", () => {
  it("every recipe is completable: an oracle that knows the house cooks every meal", () => {
    for (const seed of [1, 2]) {
      let tr = Kitchen.reset(Kitchen.defaultConfig, seed)
      const s0 = tr.state
      // Oracle knowledge: the true map and the true locations, as triples.
      const truth = [
        ...Object.entries(s0.exits).flatMap(([r, ex]) => Object.entries(ex).map(([d, to]) => triple(r, `${d} leads to`, to, false, 0))),
        ...Object.entries(s0.containerAt).map(([c, r]) => triple(c, "is in", r, false, 0)),
        ...Object.entries(s0.itemAt).map(([i, at]) => triple(i, "is in", at, false, 0))
      ]
      let n = 0
      while (!tr.done && n++ < 10_000) tr = Kitchen.step(tr.state, Kitchen.decide(tr.observation, truth, () => 0).action)
      expect(tr.state.cooked).toBe(Kitchen.defaultConfig.episodes)
    }
  })
  it("parses rooms, open containers, floor items and opened contents", () => {
    const ts = Kitchen.parse("[t=3] You are in pantry. Exits: north. You see: basket (open: salt, egg), cupboard (closed). On the floor: red onion.\n[t=4] You open the cupboard. Inside the cupboard: carrot.")
    const s = ts.map((t) => `${t.subject}>${t.object}@${t.step}`)
    expect(s).toEqual(["basket>pantry@3", "salt>basket@3", "egg>basket@3", "cupboard>pantry@3", "red onion>pantry@3", "carrot>cupboard@4"])
  })
})

describe("metrics", () => {
  it("recovery on a hand-made trajectory", () => {
    const W = true, L = false
    //            0  1  2  3  4  5  6  7  8  9 10 11
    const wins = [W, W, L, L, W, W, W, L, W, L, L, L]
    expect(recoveries(wins, [2, 8])).toEqual([
      { change: 2, steps: 2, recovered: true },
      { change: 8, steps: 4, recovered: false }
    ])
    expect(recoveries([W, W, W, W], [1])).toEqual([{ change: 1, steps: 0, recovered: true }])
    // a streak that starts only after the next change does not count for this one
    expect(recoveries([L, L, L, W, W, W], [0, 2])[0]).toEqual({ change: 0, steps: 2, recovered: false })
    expect(mean([1, 2, 3])).toBe(2)
    expect(rollingRate([W, L, W, W], 2)).toEqual([1, 0.5, 0.5, 1])
    const steps = [1, 3, 3].map((r, i) => ({ step: i, action: "a", reward: 0, nodes: 0, edges: 0, recalls: r, engrams: i, byModel: false }))
    expect(perStep(steps).map((x) => x.recalls)).toEqual([1, 2, 0])
  })
  it("latest evidence wins; the window keeps whole lines; BM25 ranks overlap first, ties to the earlier chunk", () => {
    const b = latestBeliefs([triple("s", "beats", "x", false, 1), triple("s", "beats", "y", false, 2), triple("s", "beats", "y", true, 3)], new Set(["beats"]))
    expect(b.map((t) => `${t.object}${t.negated ? "-" : "+"}`)).toEqual(["x+", "y-"])
    expect(truncateWindow(["aaaa", "bbbb", "cccc"], 10)).toEqual(["bbbb", "cccc"])
    expect(bm25TopK([["a", "b"], ["c"], ["a", "b"], ["a", "d"]], ["a", "b"], 2)).toEqual([0, 2])
  })
})

describe("language-model hook", () => {
  it("with a model configured the model's legal answers decide; illegal ones fall back to the policy", async () => {
    const Models = await import("../../shell/model/Models.ts")
    const { chooserFromLayer } = await import("./Llm.ts")
    const first = Nonsense.reset(Nonsense.quickConfig, 2).observation
    const chooser = await chooserFromLayer(Models.layerTest([first.tokens[1]!, "not a token", ...Array(500).fill(first.tokens[0]!)]))
    const r = await run(Nonsense.world, { ...Nonsense.quickConfig, steps: 5 }, 2, "mags", { chooser })
    expect(r.steps[0]!.action).toBe(first.tokens[1])
    expect(r.steps[0]!.byModel).toBe(true)
    expect(r.steps[1]!.byModel).toBe(false)
    expect(r.steps.slice(2).every((s) => s.byModel && s.action === first.tokens[0])).toBe(true)
  })
})

describe("watching the MAGS memory (the web inspector's worlds tab)", () => {
  const DAY = 86_400_000
  const watched = (idleDays: number | undefined) => {
    const events: Array<Event.Event> = []
    let archived = 0
    const memory = magsMemory(Nonsense.world.parse, Params.defaults, (e, c) => {
      events.push(e)
      archived += c.edgesArchived.length
    })
    const s = session(Nonsense.world, Nonsense.quickConfig, 3, memory)
    while (!s.current().done) {
      const t = s.think()
      s.act(t, t.policy.action, false)
      if (idleDays !== undefined && s.steps.length % 20 === 0) memory.maintain(s.steps.length, idleDays * DAY)
    }
    return { events, archived, memory, steps: s.steps }
  }
  it("a session driven by the policy's actions gives run's steps", async () => {
    const r = await run(Kitchen.world, Kitchen.quickConfig, 4, "mags")
    const s = session(Kitchen.world, Kitchen.quickConfig, 4, magsMemory(Kitchen.world.parse))
    while (!s.current().done) {
      const t = s.think()
      s.act(t, t.policy.action, false)
    }
    expect(s.steps).toEqual(r.steps)
  })
  it("replay(observed events) == the memory's graph, maintenance included", () => {
    const { events, memory } = watched(60)
    const tags = new Set(events.map((e) => e._tag))
    for (const t of ["Recalled", "Engrammed", "Reconciled", "Reinforced", "Decayed", "Pruned", "Consolidated"]) expect(tags).toContain(t)
    const out = Replay.replayAll(events, Replay.initial(Params.defaults))
    expect(out.error).toBeUndefined()
    expect(out.state.seq).toBe(events.length)
    expect(LiquidGraph.contentHash(out.state.graph)).toBe(LiquidGraph.contentHash(memory.graph()))
  })
  it("maintenance after long idle prunes into the archive; watching changes nothing the agent does", async () => {
    const idle = watched(60)
    expect(idle.archived).toBeGreaterThan(0)
    expect(LiquidGraph.archivedEdgeCount(idle.memory.graph())).toBeGreaterThan(0)
    const plain = await run(Nonsense.world, Nonsense.quickConfig, 3, "mags")
    const unmaintained = watched(undefined)
    expect(unmaintained.archived).toBe(0)
    expect(unmaintained.steps).toEqual(plain.steps)
  })
})

describe("one relation form for the policies and the core", () => {
  it("a parsed triple is the fact engram stores (canonical relation), so the policies read what MAGS recalls", () => {
    const tr = Maze.reset(Maze.quickConfig, 4)
    const next = Maze.step(tr.state, "go " + tr.observation.exits[0]!)
    const [t] = Maze.parse(next.observation.text)
    expect(t!.relation).toBe(Relation.canon(`${tr.observation.exits[0]} leads to`))
    const m = magsMemory(Maze.parse)
    m.record(0, next.observation.text, [], 0)
    expect(LiquidGraph.hasEdge(m.graph(), Fact.factId(t!.subject, t!.relation, t!.object, false))).toBe(true)
    expect(Kitchen.parse("[t=1] You are in pantry. Exits: north. On the floor: salt.")[0]!.relation).toBe("located_in")
  })
  it("with memory the maze and the kitchen take fewer steps per episode than with none", async () => {
    for (const w of ["maze", "kitchen"] as const) {
      const o = { quick: true, seeds: [1, 2] }
      const mags = await figures(w, "mags", o)
      const none = await figures(w, "none", o)
      expect(mags.stepsPerEpisode!).toBeLessThan(none.stepsPerEpisode! * 0.6)
    }
  })
})
