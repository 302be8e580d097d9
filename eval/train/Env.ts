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
import { AGENTS, type AgentName, controllerDecider, type Decider, GAME_PARAMS, magsMemory, session } from "../../examples/games/Agents.ts"
import * as Games from "../../examples/games/Games.ts"
import { type AgentFigures, figures, gameOf, WORLDS } from "../../examples/games/Games.ts"
import * as Nonsense from "../../examples/games/Nonsense.ts"
import * as Controller from "../../core/Controller.ts"
import * as Policy from "../../core/Policy.ts"
import type { Rng } from "../baselines/Prng.ts"
import type { Decision } from "./Grpo.ts"
import type { Played, Settings, Table, Task } from "./Train.ts"

export type WorldName = Games.WorldName
export const WORLD_NAMES: ReadonlyArray<WorldName> = WORLDS

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
  return { decisions, ret, reward, deviations }
}

// ── the games as a training task ─────────────────────────────────────────────

const validationOf = async (quick: boolean, policy: Policy.Policy, seeds: ReadonlyArray<number>) => {
  const decide = controllerDecider(Controller.learned(policy))
  const o = { quick, seeds, decide }
  const ns = await figures("nonsense", "mags", o)
  const mz = await figures("maze", "mags", o)
  const kt = await figures("kitchen", "mags", o)
  const fig = { recovery_steps: ns.recoverySteps!, score: ns.score, maze_steps: mz.stepsPerEpisode!, kitchen_steps: kt.stepsPerEpisode!, nodes: ns.nodesFinal }
  return { figures: fig, score: validationScore(fig) }
}

/**
 * The validation figure a checkpoint is chosen by (smaller is better): nonsense recovery steps,
 * plus 2% of the maze's and kitchen's steps per episode, plus 0.2% of the graph's nodes —
 * recovery (the figure) first, the other worlds and memory size to break near-ties.
 */
export const validationScore = (v: { recovery_steps: number; maze_steps: number; kitchen_steps: number; nodes: number }): number =>
  v.recovery_steps + 0.02 * (v.maze_steps + v.kitchen_steps) + 0.002 * v.nodes

/** The held-out figures of one agent over the three worlds. */
const heldoutOf = (f: ReadonlyArray<AgentFigures>): Record<string, number> => {
  const w = (name: string) => f.find((x) => x.world === name)!
  const ns = w("nonsense"), mz = w("maze"), kt = w("kitchen")
  return {
    recovery_steps: ns.recoverySteps!, score: ns.score, recovered_fraction: ns.recoveredFraction!,
    maze_steps_per_episode: mz.stepsPerEpisode!, maze_score: mz.score,
    kitchen_steps_per_episode: kt.stepsPerEpisode!, kitchen_score: kt.score,
    nodes: ns.nodesFinal, edges: ns.edgesFinal, nodes_all_worlds: ns.nodesFinal + mz.nodesFinal + kt.nodesFinal
  }
}

/**
 * The goal on the held-out games: the learned controller recovers from rule changes in
 * fewer steps than the hand-written one and than every baseline agent, with at most the hand
 * controller's memory (nonsense graph nodes and edges at the end).
 */
export const gamesGoal = (h: Table) => {
  const r = (a: string) => h[a]!["recovery_steps"]!
  const fewerThanHand = r("learned") < r("hand")
  const fewerThanBaselines = ["none", "window", "rag"].every((b) => r("learned") < r(b))
  const memory = h["learned"]!["nodes"]! <= h["hand"]!["nodes"]! && h["learned"]!["edges"]! <= h["hand"]!["edges"]!
  return { fewer_steps_than_hand: fewerThanHand, fewer_steps_than_every_baseline: fewerThanBaselines, memory_at_most_hand: memory, met: fewerThanHand && fewerThanBaselines && memory }
}

/** The games (nonsense, maze, kitchen) as the trainer's task, with the run's settings. */
export const gamesTask = (s: Pick<Settings, "quick" | "sampled" | "horizon">): Task<Situation> => ({
  situation: (k, it, trainBase, rng) => {
    const world = WORLD_NAMES[(it * 7 + k) % WORLD_NAMES.length]!
    return situationOf(world, trainBase + rng.int(500), s.quick, rng, s.sampled, s.horizon)
  },
  rollout: (sit, policy, draw) => Promise.resolve(rollout(sit, policy, s.quick, draw)),
  validate: (policy, seeds) => validationOf(s.quick, policy, seeds),
  heldout: async (decide, seeds, progress) => {
    const table: Record<string, Record<string, number>> = {}
    for (const agent of [...AGENTS, "learned"] as Array<AgentName | "learned">) {
      progress(`held-out: ${agent}`)
      const figs: Array<AgentFigures> = []
      for (const w of WORLDS) {
        figs.push(agent === "learned"
          ? await figures(w, "mags", { quick: s.quick, seeds, decide })
          : await figures(w, agent, { quick: s.quick, seeds }))
      }
      table[agent === "mags" ? "hand" : agent] = heldoutOf(figs)
    }
    return table
  },
  goal: gamesGoal,
  describe: (v) => `recovery ${v.figures["recovery_steps"]!.toFixed(2)}, maze ${v.figures["maze_steps"]!.toFixed(1)}, kitchen ${v.figures["kitchen_steps"]!.toFixed(1)}, nodes ${v.figures["nodes"]!.toFixed(1)}`
})
