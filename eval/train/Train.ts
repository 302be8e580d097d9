/**
 * Train — trains the memory controller with GRPO on a task (the games, or the MCQ), and measures
 * it on held-out seeds against the hand-written controller and the baselines.
 *
 * One run, deterministic from its seed S (every draw comes from the one seeded PRNG):
 * 1. the REFERENCE policy `π_ref`: the hand-written controller made stochastic — each decision's
 *    hand action has probability {@link Settings.handPrior}, the rest share what is left; its
 *    features' weights are 0 and its hidden layer is small seeded noise. Its greedy choices ARE
 *    the hand-written controller. Training starts from it.
 * 2. each ITERATION draws `situations` situations of the task (game or world seeds from the
 *    training range `S·1000 + [0, 500)`), plays a group of `group` rollouts of each with the
 *    current policy (the decisions of `sampled` steps sampled, the rest greedy: {@link Task}), and
 *    takes `epochs` Adam steps on the GRPO objective (`Grpo.update`) of those groups, the current
 *    policy as `π_old`, `π_ref` fixed.
 * 3. every `evalEvery` iterations (and at 0) the greedy policy is VALIDATED on the validation seeds
 *    `S·1000 + 900 + k` (never trained on, never held out); the checkpoint with the best validation
 *    figure is the trained policy — iteration 0 (= the hand-written controller) included, so
 *    training never ships a policy worse on validation than the start.
 * 4. HELD-OUT: the trained (greedy) controller, the hand-written one and the task's baselines are
 *    measured on the held-out seeds `S·1000 + 500 + k`, as the eval suite measures them.
 */
import * as Controller from "../../core/Controller.ts"
import * as Policy from "../../core/Policy.ts"
import { Rng } from "../baselines/Prng.ts"
import * as Grpo from "./Grpo.ts"

/** What the controller is trained on. */
export type SuiteName = "games" | "mcq" | "locomo"

export interface Settings {
  readonly suite: SuiteName
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

/** The settings of a run (`npm run train` may override `iterations`). */
export const settingsFor = (seed: number, quick: boolean, suite: SuiteName = "games"): Settings => {
  const common = { suite, seed, quick, group: 8, epochs: 4, evalEvery: quick ? 4 : 5, handPrior: 0.8, grpo: Grpo.DEFAULTS, adam: Grpo.ADAM }
  return suite === "games"
    ? { ...common, iterations: quick ? 24 : 40, situations: quick ? 6 : 9, sampled: 4, horizon: 24, validationSeeds: 24, heldoutSeeds: quick ? 16 : 40 }
    : suite === "mcq"
    ? { ...common, iterations: quick ? 12 : 30, situations: quick ? 4 : 6, sampled: 2, horizon: 10, validationSeeds: quick ? 4 : 6, heldoutSeeds: quick ? 6 : 12 }
    // LoCoMo: a situation is one question, its decision the only one sampled; the splits are fixed conversations
    : { ...common, iterations: quick ? 10 : 30, situations: quick ? 16 : 32, sampled: 1, horizon: 1, validationSeeds: 0, heldoutSeeds: 0 }
}

/** What one rollout of a situation gave. */
export interface Played {
  readonly decisions: ReadonlyArray<Grpo.Decision>
  /** Its return (the task's reward over the branch, less its memory cost). */
  readonly ret: number
  /** The task's reward alone. */
  readonly reward: number
  /** Non-first ("non-hand") actions taken in the branch, per head. */
  readonly deviations: Readonly<Record<string, number>>
}

/** A greedy policy on the validation seeds: its figures, and the one it is chosen by (smaller is better). */
export interface Validation {
  readonly iteration: number
  readonly figures: Readonly<Record<string, number>>
  readonly score: number
}

/** Held-out figures: agent (`hand`, `learned`, the baselines) → metric → value. */
export type Table = Readonly<Record<string, Readonly<Record<string, number>>>>

/** What a task gives the trainer. */
export interface Task<S> {
  /** The k-th situation of an iteration, its seed drawn from `[trainBase, trainBase + 500)`. */
  readonly situation: (k: number, iteration: number, trainBase: number, rng: Rng) => S
  /** One rollout of a situation under `policy` (sampled with `draw` in the branch). */
  readonly rollout: (s: S, policy: Policy.Policy, draw: () => number) => Promise<Played>
  /** The greedy policy on validation seeds. */
  readonly validate: (policy: Policy.Policy, seeds: ReadonlyArray<number>) => Promise<Omit<Validation, "iteration">>
  /** Held-out figures of every agent; `decide` counts the learned controller's decisions. */
  readonly heldout: (decide: Controller.Decider, seeds: ReadonlyArray<number>, progress: (line: string) => void) => Promise<Table>
  /** The task's goal on the held-out table. */
  readonly goal: (table: Table) => Readonly<Record<string, boolean>> & { readonly met: boolean }
  /** One line of validation figures. */
  readonly describe: (v: Validation) => string
}

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

export interface Result {
  readonly settings: Settings
  readonly policy: Policy.Policy
  readonly reference: Policy.Policy
  readonly chosenIteration: number
  readonly curve: ReadonlyArray<CurvePoint>
  readonly validation: ReadonlyArray<Validation>
  readonly heldout: Table
  readonly goal: Readonly<Record<string, boolean>> & { readonly met: boolean }
  /** How often the learned controller deviates from the hand one on the held-out seeds (per head). */
  readonly heldoutDeviation: Readonly<Record<string, number>>
  readonly seeds: { readonly validation: ReadonlyArray<number>; readonly heldout: ReadonlyArray<number> }
}

/** The reference policy (see the module header). */
export const reference = (s: Pick<Settings, "seed" | "handPrior">): Policy.Policy => {
  const rng = Rng.of(s.seed ^ 0x9e37)
  return Policy.initial(Controller.SPEC, () => (rng.float() - 0.5) * 0.2, (head, action) => {
    const h = Controller.HEADS.find((x) => x.name === head)!
    const first = action === h.actions[0]
    return Math.log(first ? s.handPrior : (1 - s.handPrior) / (h.actions.length - 1))
  })
}

const seedsFrom = (base: number, n: number): Array<number> => Array.from({ length: n }, (_, k) => base + k)

/** Counts a decider's non-hand choices per head. */
const counting = (d: Controller.Decider, counts: Record<string, number>, totals: Record<string, number>): Controller.Decider => (head, x, step) => {
  const a = d(head, x, step)
  totals[head] = (totals[head] ?? 0) + 1
  if (a !== Controller.handAction(head)) counts[head] = (counts[head] ?? 0) + 1
  return a
}

/**
 * Trains on `task` and evaluates (see the module header). `progress` gets one line per iteration.
 * @complexity iterations · situations · group rollouts, plus the validations and the held-out runs
 */
export const train = async <S>(s: Settings, task: Task<S>, progress: (line: string) => void = () => {}): Promise<Result> => {
  const ref = reference(s)
  const rng = Rng.of(s.seed)
  const trainBase = s.seed * 1000
  const validationSeeds = seedsFrom(trainBase + 900, s.validationSeeds)
  const heldoutSeeds = seedsFrom(trainBase + 500, s.heldoutSeeds)
  let policy = ref
  let adam = Grpo.adamInit(ref.theta.length)
  const curve: Array<CurvePoint> = []
  const validation: Array<Validation> = [{ iteration: 0, ...(await task.validate(policy, validationSeeds)) }]
  progress(`iteration 0: ${task.describe(validation[0]!)}`)
  let best = { score: validation[0]!.score, policy, iteration: 0 }
  for (let it = 1; it <= s.iterations; it++) {
    const groups: Array<Array<Grpo.Rollout>> = []
    let sumRet = 0, sumReward = 0, n = 0, decisions = 0
    const dev: Record<string, number> = {}
    const perHead: Record<string, number> = {}
    for (let k = 0; k < s.situations; k++) {
      const sit = task.situation(k, it, trainBase, rng)
      const group: Array<Grpo.Rollout> = []
      for (let i = 0; i < s.group; i++) {
        const draws = Rng.of(rng.u32())
        const played = await task.rollout(sit, policy, () => draws.float())
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
    for (const h of Controller.HEADS) if (perHead[h.name] !== undefined) deviation[h.name] = (dev[h.name] ?? 0) / perHead[h.name]!
    curve.push({
      iteration: it, meanReturn: sumRet / n, meanReward: sumReward / n, objective: up.evaluation.objective,
      kl: up.evaluation.kl, clipped: up.evaluation.clipped, deviation
    })
    let line = `iteration ${it}/${s.iterations}: return ${(sumRet / n).toFixed(3)}, kl ${up.evaluation.kl.toFixed(4)}, ${decisions} decisions`
    if (it % s.evalEvery === 0 || it === s.iterations) {
      const v = { iteration: it, ...(await task.validate(policy, validationSeeds)) }
      validation.push(v)
      if (v.score < best.score) best = { score: v.score, policy, iteration: it }
      line += `; validation ${task.describe(v)}`
    }
    progress(line)
  }
  progress(`chosen: iteration ${best.iteration} (validation figure ${best.score.toFixed(3)})`)
  const counts: Record<string, number> = {}
  const totals: Record<string, number> = {}
  const heldout = await task.heldout(counting(Controller.decider(Controller.learned(best.policy)), counts, totals), heldoutSeeds, progress)
  const heldoutDeviation: Record<string, number> = {}
  for (const h of Controller.HEADS) if (totals[h.name] !== undefined) heldoutDeviation[h.name] = (counts[h.name] ?? 0) / totals[h.name]!
  return {
    settings: s, policy: best.policy, reference: ref, chosenIteration: best.iteration, curve, validation,
    heldout, goal: task.goal(heldout), heldoutDeviation, seeds: { validation: validationSeeds, heldout: heldoutSeeds }
  }
}
