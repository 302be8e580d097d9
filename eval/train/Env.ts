/**
 * Env — the games as a training environment for the memory controller: situations, rollouts
 * and their returns (the MAGS agent of `examples/games/Agents.ts` with its memory decisions taken
 * by a `Decider`). Whole games are measured by `examples/games/Games.ts`, as the games suite does.
 *
 * A SITUATION is a world, a game seed and a branch step `b`: every rollout of its group plays the
 * game from the start with the same greedy controller up to `b` (so all reach the same memory
 * state: the worlds and the memory are deterministic), then samples the controller's decisions
 * for `sampled` steps, each rollout with its own draws, and plays greedily on to `b + horizon`
 * (so a group's returns differ only by the sampled decisions, whose consequences the horizon
 * sees). Its return:
 *
 *     R = Σ world rewards over the branch's steps − NODE_COST · Δnodes − EDGE_COST · Δedges
 *
 * (Δ: growth of the graph over the branch): score, and the memory it cost. In the nonsense game
 * branches start within {@link CHANGE_LEAD} steps of a rule change, where memory decisions
 * decide how fast the agent recovers, or (half of them) just before a step at which recall returns
 * evidence older than its subject's latest surprise ({@link staleSteps}); in the maze and kitchen at a seeded step of the first
 * episodes.
 */
import { controllerDecider, type Decider, magsMemory, session } from "../../examples/games/Agents.ts"
import * as Kitchen from "../../examples/games/Kitchen.ts"
import * as Maze from "../../examples/games/Maze.ts"
import * as Nonsense from "../../examples/games/Nonsense.ts"
import type { World } from "../../examples/games/World.ts"
import { GAME_PARAMS } from "../../examples/games/Agents.ts"
import * as Controller from "../../core/Controller.ts"
import * as Policy from "../../core/Policy.ts"
import type { Rng } from "../baselines/Prng.ts"
import type { Decision } from "./Grpo.ts"

export type WorldName = "nonsense" | "maze" | "kitchen"
export const WORLD_NAMES: ReadonlyArray<WorldName> = ["nonsense", "maze", "kitchen"]

/** Return cost of one node / one edge the branch adds. */
export const NODE_COST = 0.02
export const EDGE_COST = 0.002
/** Nonsense branches start this many steps before a rule change. */
export const CHANGE_LEAD = 3

export interface Situation {
  readonly world: WorldName
  readonly seed: number
  readonly branch: number
  /** Steps whose decisions are sampled, from the branch on (the rest of the horizon is greedy). */
  readonly sampled: number
  readonly horizon: number
}

interface Game {
  readonly world: World<any, any, any>
  readonly config: unknown
}

export const gameOf = (w: WorldName, quick: boolean): Game =>
  w === "nonsense"
    ? { world: Nonsense.world, config: quick ? Nonsense.quickConfig : Nonsense.defaultConfig }
    : w === "maze"
    ? { world: Maze.world, config: quick ? Maze.quickConfig : Maze.defaultConfig }
    : { world: Kitchen.world, config: quick ? Kitchen.quickConfig : Kitchen.defaultConfig }

/**
 * A seeded situation of world `w` for game seed `seed`.
 * @complexity O(1) (nonsense: one reset to read the change steps)
 */
export const situationOf = (w: WorldName, seed: number, quick: boolean, rng: Rng, sampled: number, horizon: number): Situation => {
  if (w === "nonsense") {
    const stale = staleSteps(w, seed, quick)
    if (stale.length > 0 && rng.float() < STALE_SHARE) {
      return { world: w, seed, branch: Math.max(0, stale[rng.int(stale.length)]! - rng.int(sampled)), sampled, horizon }
    }
    const changes = Nonsense.reset(gameOf(w, quick).config as Nonsense.NonsenseConfig, seed).state.changeSteps
    const c = changes[rng.int(changes.length)]!
    return { world: w, seed, branch: Math.max(0, c - CHANGE_LEAD + rng.int(2 * CHANGE_LEAD + 1)), sampled, horizon }
  }
  return { world: w, seed, branch: rng.int(40), sampled, horizon }
}

/** The share of nonsense situations branched at a stale-evidence step ({@link staleSteps}). */
export const STALE_SHARE = 0.5

const staleCache = new Map<string, ReadonlyArray<number>>()

/**
 * The steps of a game played by the hand-written controller at which the recall returned stale
 * evidence (a fact memory last saw before its subject's latest surprise): where the `trust`
 * decision matters. Memoised per (world, seed, size).
 * @complexity one game, once per key
 */
export const staleSteps = (w: WorldName, seed: number, quick: boolean): ReadonlyArray<number> => {
  const key = `${w}|${seed}|${quick}`
  const hit = staleCache.get(key)
  if (hit !== undefined) return hit
  const at = Controller.FEATURES.indexOf("recalled_stale")
  const steps: Array<number> = []
  const decide: Decider = (head, x, step) => {
    if (head === "trust" && x[at]! > 0) steps.push(step)
    return Controller.handAction(head)
  }
  const g = gameOf(w, quick)
  const run = session(g.world, g.config, seed, magsMemory(g.world.parse, GAME_PARAMS, undefined, decide))
  while (!run.current().done) {
    const th = run.think()
    run.act(th, th.policy.action, false)
  }
  staleCache.set(key, steps)
  return steps
}

/** What one rollout of a situation gave. */
export interface Played {
  readonly decisions: ReadonlyArray<Decision>
  readonly ret: number
  readonly reward: number
  readonly nodesAdded: number
  /** Non-first ("non-hand") actions taken in the branch, per head. */
  readonly deviations: Readonly<Record<string, number>>
}

/**
 * One rollout: greedy `policy` before the branch, `policy` sampled with `draw` in it.
 * Laws: deterministic in (situation, policy, draws); rollouts of one situation share their
 * prefix exactly; only decisions of the `sampled` steps are returned.
 * @complexity O(branch + horizon) game steps
 */
export const rollout = (s: Situation, policy: Policy.Policy, quick: boolean, draw: () => number): Played => {
  const decisions: Array<Decision> = []
  const deviations: Record<string, number> = {}
  const greedy = controllerDecider(Controller.learned(policy))
  const decide: Decider = (head, x, step) => {
    if (step < s.branch || step >= s.branch + s.sampled) return greedy(head, x, step)
    const action = Policy.sample(policy, x, head, draw())
    decisions.push({ x, head, action, logpOld: Policy.logProb(policy, x, head, action) })
    if (action !== Controller.handAction(head)) deviations[head] = (deviations[head] ?? 0) + 1
    return action as Controller.ActionOf<typeof head>
  }
  const g = gameOf(s.world, quick)
  const memory = magsMemory(g.world.parse, GAME_PARAMS, undefined, decide)
  const run = session(g.world, g.config, s.seed, memory)
  let reward = 0
  let start = memory.size()
  while (!run.current().done && run.steps.length < s.branch + s.horizon) {
    if (run.steps.length === s.branch) start = memory.size()
    const th = run.think()
    const rec = run.act(th, th.policy.action, false)
    if (rec.step >= s.branch) reward += rec.reward
  }
  const end = memory.size()
  const nodesAdded = end.nodes - start.nodes
  const ret = reward - NODE_COST * nodesAdded - EDGE_COST * (end.edges - start.edges)
  return { decisions, ret, reward, nodesAdded, deviations }
}
