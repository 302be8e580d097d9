/**
 * Train — trains the memory controller with GRPO on the games, and measures it on held-out seeds
 * against the hand-written controller and the baseline agents.
 *
 * One run, deterministic from its seed S (every draw comes from the one seeded PRNG):
 * 1. the REFERENCE policy `π_ref`: the hand-written controller made stochastic — each decision's
 *    hand action has probability {@link Settings.handPrior}, the rest share what is left; its
 *    features' weights are 0 and its hidden layer is small seeded noise. Its greedy choices ARE
 *    the hand-written controller. Training starts from it.
 * 2. each ITERATION draws `situations` situations (worlds in turn; game seeds from the training
 *    range `S·1000 + [0, 500)`), plays a group of `group` rollouts of each with the current policy
 *    (`Env.rollout`: the decisions of `sampled` steps sampled, the rest greedy), and takes `epochs` Adam steps on the GRPO objective (`Grpo.update`) of those
 *    groups, the current policy as `π_old`, `π_ref` fixed.
 * 3. every `evalEvery` iterations (and at 0) the greedy policy is VALIDATED on the validation seeds
 *    `S·1000 + 900 + k` (never trained on, never held out): nonsense recovery steps, maze and kitchen
 *    steps per episode, and the graph's size. The checkpoint with the best validation figure
 *    (see {@link validationScore}) is the trained policy — iteration 0 (= the hand-written
 *    controller) included, so training never ships a policy worse on validation than the start.
 * 4. HELD-OUT: the trained (greedy) controller, the hand-written one, and the baselines (no memory,
 *    2K window, static RAG) play every world on the held-out seeds `S·1000 + 500 + k`, measured
 *    by `examples/games/Games.ts` exactly as the games suite measures them.
 */
import * as Controller from "../../core/Controller.ts"
import * as Policy from "../../core/Policy.ts"
import { AGENTS, controllerDecider, type AgentName, type Decider } from "../../examples/games/Agents.ts"
import { figures, WORLDS, type AgentFigures } from "../../examples/games/Games.ts"
import { Rng } from "../baselines/Prng.ts"
import * as Env from "./Env.ts"
import * as Grpo from "./Grpo.ts"

export interface Settings {
  readonly seed: number
  readonly quick: boolean
  readonly iterations: number
  /** Situations per iteration. */
  readonly situations: number
  /** Rollouts per situation (G). */
  readonly group: number
  /** Steps whose decisions are sampled, from the branch on. */
  readonly sampled: number
  /** Steps played after the branch (the return's window). */
  readonly horizon: number
  /** Adam steps per iteration. */
  readonly epochs: number
  readonly evalEvery: number
  readonly validationSeeds: number
  readonly heldoutSeeds: number
  /** Probability of the hand action in the reference policy. */
  readonly handPrior: number
  readonly grpo: Grpo.Settings
  readonly adam: Grpo.AdamSettings
}

export const settingsFor = (seed: number, quick: boolean): Settings => ({
  seed,
  quick,
  iterations: quick ? 24 : 40,
  situations: quick ? 6 : 9,
  group: quick ? 8 : 8,
  sampled: 4,
  horizon: 24,
  epochs: 4,
  evalEvery: quick ? 4 : 5,
  validationSeeds: quick ? 12 : 16,
  heldoutSeeds: quick ? 16 : 40,
  handPrior: 0.8,
  grpo: Grpo.DEFAULTS,
  adam: Grpo.ADAM
})

/** One point of the learning curves. */
export interface CurvePoint {
  readonly iteration: number
  /** Mean rollout return and world reward of the iteration's groups. */
  readonly meanReturn: number
  readonly meanReward: number
  readonly objective: number
  readonly kl: number
  readonly clipped: number
  /** Fraction of sampled decisions, per head, that were not the hand action. */
  readonly deviation: Readonly<Record<string, number>>
}

/** A validation of the greedy policy. */
export interface Validation {
  readonly iteration: number
  readonly recoverySteps: number
  readonly mazeSteps: number
  readonly kitchenSteps: number
  readonly nodes: number
  readonly score: number
}

/** The held-out figures of one agent (controller or baseline). */
export interface Heldout {
  readonly recovery_steps: number
  readonly score: number
  readonly recovered_fraction: number
  readonly maze_steps_per_episode: number
  readonly maze_score: number
  readonly kitchen_steps_per_episode: number
  readonly kitchen_score: number
  /** Graph nodes / edges at the end of the nonsense game (baselines: stored items). */
  readonly nodes: number
  readonly edges: number
  /** Nodes at the end, summed over the three worlds. */
  readonly nodes_all_worlds: number
}

export interface Result {
  readonly settings: Settings
  readonly policy: Policy.Policy
  readonly reference: Policy.Policy
  readonly chosenIteration: number
  readonly curve: ReadonlyArray<CurvePoint>
  readonly validation: ReadonlyArray<Validation>
  readonly heldout: Readonly<Record<"hand" | "learned" | "none" | "window" | "rag", Heldout>>
  /** How often the learned controller deviates from the hand one on held-out nonsense games (per head). */
  readonly heldoutDeviation: Readonly<Record<string, number>>
  readonly seeds: { readonly validation: ReadonlyArray<number>; readonly heldout: ReadonlyArray<number> }
}

/** The reference policy (see the module header). */
export const reference = (s: Settings): Policy.Policy => {
  const rng = Rng.of(s.seed ^ 0x9e37)
  return Policy.initial(Controller.SPEC, () => (rng.float() - 0.5) * 0.2, (head, action) => {
    const h = Controller.HEADS.find((x) => x.name === head)!
    const first = action === h.actions[0]
    return Math.log(first ? s.handPrior : (1 - s.handPrior) / (h.actions.length - 1))
  })
}

/**
 * The validation figure a checkpoint is chosen by (smaller is better): nonsense recovery steps,
 * plus 2% of the maze's and kitchen's steps per episode, plus 0.2% of the graph's nodes —
 * recovery (the figure) first, the other worlds and memory size to break near-ties.
 */
export const validationScore = (v: Validation): number => v.recoverySteps + 0.02 * (v.mazeSteps + v.kitchenSteps) + 0.002 * v.nodes

const seedsFrom = (base: number, n: number): Array<number> => Array.from({ length: n }, (_, k) => base + k)

const validate = async (s: Settings, p: Policy.Policy, iteration: number, seeds: ReadonlyArray<number>): Promise<Validation> => {
  const decide = controllerDecider(Controller.learned(p))
  const o = { quick: s.quick, seeds, decide }
  const ns = await figures("nonsense", "mags", o)
  const mz = await figures("maze", "mags", o)
  const kt = await figures("kitchen", "mags", o)
  return {
    iteration, recoverySteps: ns.recoverySteps!, mazeSteps: mz.stepsPerEpisode!, kitchenSteps: kt.stepsPerEpisode!,
    nodes: ns.nodesFinal, score: ns.score
  }
}

const heldoutOf = (f: ReadonlyArray<AgentFigures>): Heldout => {
  const w = (name: string) => f.find((x) => x.world === name)!
  const ns = w("nonsense"), mz = w("maze"), kt = w("kitchen")
  return {
    recovery_steps: ns.recoverySteps!, score: ns.score, recovered_fraction: ns.recoveredFraction!,
    maze_steps_per_episode: mz.stepsPerEpisode!, maze_score: mz.score,
    kitchen_steps_per_episode: kt.stepsPerEpisode!, kitchen_score: kt.score,
    nodes: ns.nodesFinal, edges: ns.edgesFinal, nodes_all_worlds: ns.nodesFinal + mz.nodesFinal + kt.nodesFinal
  }
}

/** Counts a decider's non-hand choices per head (for the report). */
const counting = (d: Decider, counts: Record<string, number>, totals: Record<string, number>): Decider => (head, x, step) => {
  const a = d(head, x, step)
  totals[head] = (totals[head] ?? 0) + 1
  if (a !== Controller.handAction(head)) counts[head] = (counts[head] ?? 0) + 1
  return a
}

/**
 * Trains and evaluates (see the module header). `progress` gets one line per iteration.
 * @complexity iterations · situations · group · (branch + horizon) game steps, plus the validations
 */
export const train = async (s: Settings, progress: (line: string) => void = () => {}): Promise<Result> => {
  const ref = reference(s)
  const rng = Rng.of(s.seed)
  const trainBase = s.seed * 1000
  const validationSeeds = seedsFrom(trainBase + 900, s.validationSeeds)
  const heldoutSeeds = seedsFrom(trainBase + 500, s.heldoutSeeds)
  let policy = ref
  let adam = Grpo.adamInit(ref.theta.length)
  const curve: Array<CurvePoint> = []
  const validation: Array<Validation> = [await validate(s, policy, 0, validationSeeds)]
  let best = { score: validationScore(validation[0]!), policy, iteration: 0 }
  for (let it = 1; it <= s.iterations; it++) {
    const groups: Array<Array<Grpo.Rollout>> = []
    let sumRet = 0, sumReward = 0, n = 0
    const dev: Record<string, number> = {}
    let decisions = 0
    const perHead: Record<string, number> = {}
    for (let k = 0; k < s.situations; k++) {
      const world = Env.WORLD_NAMES[(it * s.situations + k) % Env.WORLD_NAMES.length]!
      const sit = Env.situationOf(world, trainBase + rng.int(500), s.quick, rng, s.sampled, s.horizon)
      const group: Array<Grpo.Rollout> = []
      for (let i = 0; i < s.group; i++) {
        const draws = Rng.of(rng.u32())
        const played = Env.rollout(sit, policy, s.quick, () => draws.float())
        group.push({ decisions: played.decisions, ret: played.ret })
        sumRet += played.ret
        sumReward += played.reward
        n++
        for (const [h, c] of Object.entries(played.deviations)) dev[h] = (dev[h] ?? 0) + c
        for (const d of played.decisions) perHead[d.head] = (perHead[d.head] ?? 0) + 1
        decisions += played.decisions.length
      }
      groups.push(group)
    }
    const up = Grpo.update(policy, ref, groups, adam, s.epochs, s.grpo, s.adam)
    policy = up.policy
    adam = up.state
    const deviation: Record<string, number> = {}
    for (const h of Controller.HEADS) deviation[h.name] = (dev[h.name] ?? 0) / Math.max(1, perHead[h.name] ?? 0)
    curve.push({
      iteration: it, meanReturn: sumRet / n, meanReward: sumReward / n, objective: up.evaluation.objective,
      kl: up.evaluation.kl, clipped: up.evaluation.clipped, deviation
    })
    let line = `iteration ${it}/${s.iterations}: return ${(sumRet / n).toFixed(3)}, kl ${up.evaluation.kl.toFixed(4)}, ${decisions} decisions`
    if (it % s.evalEvery === 0 || it === s.iterations) {
      const v = await validate(s, policy, it, validationSeeds)
      validation.push(v)
      const score = validationScore(v)
      if (score < best.score) best = { score, policy, iteration: it }
      line += `; validation recovery ${v.recoverySteps.toFixed(2)}, maze ${v.mazeSteps.toFixed(1)}, kitchen ${v.kitchenSteps.toFixed(1)}, nodes ${v.nodes.toFixed(1)}`
    }
    progress(line)
  }
  progress(`chosen: iteration ${best.iteration} (validation figure ${best.score.toFixed(3)})`)
  const heldout: Record<string, Heldout> = {}
  const counts: Record<string, number> = {}
  const totals: Record<string, number> = {}
  const learnedDecider = counting(controllerDecider(Controller.learned(best.policy)), counts, totals)
  for (const agent of [...AGENTS, "learned"] as Array<AgentName | "learned">) {
    progress(`held-out: ${agent}`)
    const figs: Array<AgentFigures> = []
    for (const w of WORLDS) {
      figs.push(agent === "learned"
        ? await figures(w, "mags", { quick: s.quick, seeds: heldoutSeeds, decide: learnedDecider })
        : await figures(w, agent, { quick: s.quick, seeds: heldoutSeeds }))
    }
    heldout[agent === "mags" ? "hand" : agent] = heldoutOf(figs)
  }
  const heldoutDeviation: Record<string, number> = {}
  for (const h of Controller.HEADS) heldoutDeviation[h.name] = (counts[h.name] ?? 0) / Math.max(1, totals[h.name] ?? 0)
  return {
    settings: s, policy: best.policy, reference: ref, chosenIteration: best.iteration, curve, validation,
    heldout: heldout as Result["heldout"], heldoutDeviation, seeds: { validation: validationSeeds, heldout: heldoutSeeds }
  }
}
