/**
 * Mcq — the multiple-choice QA suite (eval/suites/mcq) as a training task for the memory
 * controller: the MAGS memory of the suite (`Systems.mags`), its decisions per question (the
 * recall's depth, the housekeeping) taken by the policy.
 *
 * A SITUATION is a world seed (one of {@link TRAIN_WORLDS} training worlds) and a question `b`:
 * the world's statements are ingested once per seed (memoised: every rollout forks that memory), the questions before `b` are asked under the
 * greedy policy, the decisions of `sampled` questions from `b` on are sampled, and the rest of the
 * `horizon` greedy. The answers are the suite's rule answerer's, seeded as the suite seeds the
 * `mags` system, so two rollouts differ only by what the controller recalled. Return: correct
 * answers over the branch, less `Env.NODE_COST`/`EDGE_COST` per node/edge the branch adds.
 *
 * Validation and held-out figures are the suite's own runs (`Run.run`, the quick or full world
 * config) with the learned controller as the extra system `mags-learned`: accuracy of every system,
 * and the graph size of `mags` and `mags-learned`.
 */
import * as Controller from "../../core/Controller.ts"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import * as Policy from "../../core/Policy.ts"
import { defaultEmbedder } from "../suites/mcq/Harness.ts"
import { answererSeed } from "../suites/mcq/Harness.ts"
import { ruleAnswerer, run } from "../suites/mcq/Run.ts"
import * as Systems from "../suites/mcq/Systems.ts"
import { defaultConfig, generate, quickConfig, type World } from "../suites/mcq/World.ts"
import type { SentenceEmbedder } from "../suites/mcq/Embed.ts"
import { EDGE_COST, NODE_COST } from "./Env.ts"
import type { Decision } from "./Grpo.ts"
import type { Played, Settings, Table, Task } from "./Train.ts"

export interface Situation {
  readonly seed: number
  readonly branch: number
}

interface Prepared {
  readonly world: World
  readonly system: Systems.MagsSystem
  /** The world time after the last statement (questions are asked a minute apart after it). */
  readonly end: number
}

/** Training draws its worlds from the first this-many training seeds (each world's ingested memory is kept). */
export const TRAIN_WORLDS = 40

/** The suite's systems: accuracy, and for the two MAGS memories their graph size. */
const BASELINES = ["base", "rag", "rag-bm25"] as const

/**
 * The goal reported on the held-out MCQ worlds: the learned controller answers at least as many
 * questions as the hand-written one, with at most its memory, and beats every baseline.
 */
export const mcqGoal = (h: Table) => {
  const acc = (a: string) => h[a]!["accuracy"]!
  const atLeastHand = acc("learned") >= acc("hand")
  const aboveBaselines = BASELINES.every((b) => acc("learned") > acc(b))
  const memory = h["learned"]!["nodes"]! <= h["hand"]!["nodes"]! && h["learned"]!["edges"]! <= h["hand"]!["edges"]!
  return { accuracy_at_least_hand: atLeastHand, accuracy_above_every_baseline: aboveBaselines, memory_at_most_hand: memory, met: atLeastHand && aboveBaselines && memory }
}

/** The MCQ suite as the trainer's task (loads the suite's embedder once). */
export const mcqTask = async (s: Pick<Settings, "quick" | "sampled" | "horizon">): Promise<Task<Situation>> => {
  const { embedder } = await defaultEmbedder()
  const config = s.quick ? quickConfig : defaultConfig
  const cache = new Map<number, Prepared>()
  const prepared = (seed: number): Prepared => {
    const hit = cache.get(seed)
    if (hit !== undefined) return hit
    const world = generate(seed, config)
    const system = Systems.mags(world, embedder, Systems.defaultSystemOptions, "rule")
    for (const st of world.statements) system.ingest(st)
    const p = { world, system, end: world.statements[world.statements.length - 1]!.time }
    cache.set(seed, p)
    return p
  }
  /**
   * Asks a world's questions `[0, upTo)` of the memory ingested once, forked under `decide`, with
   * the rule answerer seeded as the suite seeds `mags`; `correct(i)` counts question i's answer.
   * Returns the forked memory's graph after the last one.
   */
  const ask = async (seed: number, decide: Controller.Decider, upTo: number, correct: (i: number, ok: boolean) => void, atBranch?: { at: number; f: (g: LiquidGraph.LiquidGraph) => void }) => {
    const p = prepared(seed)
    const memory = p.system.memory.fork(decide)
    const answer = ruleAnswerer(answererSeed(seed, "mags"))
    const qs = p.world.questions
    for (let i = 0; i < Math.min(qs.length, upTo); i++) {
      if (i === atBranch?.at) atBranch.f(memory.graph())
      const q = qs[i]!
      const a = await answer(q, memory.context(q, p.end + (i + 1) * 60_000).units)
      correct(i, a.index === q.answer)
    }
    return memory.graph()
  }
  const accuracyOf = async (seeds: ReadonlyArray<number>, decide: Controller.Decider, e: SentenceEmbedder): Promise<Table> => {
    const sums: Record<string, Record<string, number>> = {}
    const add = (agent: string, metric: string, v: number) => {
      sums[agent] ??= {}
      sums[agent]![metric] = (sums[agent]![metric] ?? 0) + v / seeds.length
    }
    for (const seed of seeds) {
      const r = await run({ seed, config, embedder: e, learned: decide })
      for (const { system, summary } of r.summaries) {
        const agent = system === "mags" ? "hand" : system === "mags-learned" ? "learned" : system
        if (agent === "hand" || agent === "learned" || (BASELINES as ReadonlyArray<string>).includes(agent)) add(agent, "accuracy", summary.accuracy)
      }
      add("hand", "nodes", r.graph.nodes)
      add("hand", "edges", r.graph.edges)
      add("learned", "nodes", r.learnedGraph!.nodes)
      add("learned", "edges", r.learnedGraph!.edges)
    }
    return sums
  }
  return {
    situation: (_k, _it, trainBase, rng) => {
      const seed = trainBase + rng.int(TRAIN_WORLDS)
      const n = prepared(seed).world.questions.length
      return { seed, branch: rng.int(Math.max(1, n - Math.floor(s.horizon / 2))) }
    },
    rollout: async (sit, policy, draw) => {
      const decisions: Array<Decision> = []
      const deviations: Record<string, number> = {}
      const greedy = Controller.decider(Controller.learned(policy))
      const decide: Controller.Decider = (head, x, step) => {
        if (step < sit.branch || step >= sit.branch + s.sampled) return greedy(head, x, step)
        const action = Policy.sample(policy, x, head, draw())
        decisions.push({ x, head, action, logpOld: Policy.logProb(policy, x, head, action) })
        if (action !== Controller.handAction(head)) deviations[head] = (deviations[head] ?? 0) + 1
        return action as Controller.ActionOf<typeof head>
      }
      let reward = 0
      let start = { nodes: 0, edges: 0 }
      const g = await ask(sit.seed, decide, sit.branch + s.horizon, (i, ok) => {
        if (i >= sit.branch && ok) reward++
      }, { at: sit.branch, f: (before) => (start = { nodes: LiquidGraph.nodeCount(before), edges: LiquidGraph.edgeCount(before) }) })
      const ret = reward - NODE_COST * (LiquidGraph.nodeCount(g) - start.nodes) - EDGE_COST * (LiquidGraph.edgeCount(g) - start.edges)
      return { decisions, ret, reward, deviations } satisfies Played
    },
    validate: async (policy, seeds) => {
      // the learned memory alone (the baselines do not change between checkpoints)
      let correct = 0, asked = 0, nodes = 0, edges = 0
      for (const seed of seeds) {
        const g = await ask(seed, Controller.decider(Controller.learned(policy)), Infinity, (_i, ok) => {
          asked++
          if (ok) correct++
        })
        nodes += LiquidGraph.nodeCount(g) / seeds.length
        edges += LiquidGraph.edgeCount(g) / seeds.length
      }
      const figures = { accuracy: asked === 0 ? 0 : correct / asked, nodes, edges }
      // more accuracy first; a hundredth of a point per thousand edges breaks near-ties
      return { figures, score: -figures.accuracy + 1e-5 * figures.edges }
    },
    heldout: async (decide, seeds, progress) => {
      progress(`held-out: ${seeds.length} MCQ worlds, every system`)
      return accuracyOf(seeds, decide, embedder)
    },
    goal: mcqGoal,
    describe: (v) => `accuracy ${v.figures["accuracy"]!.toFixed(3)}, nodes ${v.figures["nodes"]!.toFixed(1)}, edges ${v.figures["edges"]!.toFixed(0)}`
  }
}
