/**
 * The games suite under a candidate `Params`: the MAGS agent (`examples/games/Agents.ts`
 * `magsMemory(parse, params)`) plays the three worlds (nonsense, maze, kitchen) for the split's
 * seeds with the worlds' deterministic policies — no model.
 *
 * Why played, not replayed: a game is closed-loop — what the agent recalls decides its action,
 * and the action decides the next observation — so a recorded observation stream would be
 * off-policy for any other parameters. What the world contributes is its simulator, which is pure
 * and deterministic per seed (`World.reset(config, seed)` / `World.step`), so each candidate
 * plays it again: no model calls, no randomness beyond the seed. The loop below is
 * `Agents.run` for the `mags` agent without a chooser (a test checks that it scores exactly what
 * `Games.runOne` scores).
 *
 * Split (seeds derived from `--seed S`): train seeds `S, S+1, …`, validation seeds
 * `S+1000, S+1001, …`; full runs use the worlds' `defaultConfig`, 2 train seeds (a game is most of
 * an evaluation's time) and 3 validation seeds (scored twice only), `--quick` the `quickConfig`
 * and 1 seed each.
 *
 * Figures: loss = mean over the worlds of 1 − score (nonsense: the fraction of rewarded steps;
 * maze / kitchen: successes per episode — the `games` suite's scores); cost = (recall's work,
 * candidates + edges examined, measured by the same recall on the same graph before the agent's
 * own on one step in {@link RECALL_SAMPLE} and scaled to all; + the graph items the step changed,
 * the agent's engram work) per recall; size = (nodes +
 * edges) at the end per observation told; churn = graph items (nodes and edges) added, removed
 * or replaced per step (the agent does not expose its transitions' change lists, so successive
 * graphs are compared, {@link ChurnCounter}: an immutable record that was replaced counts as
 * changed).
 */
import { LiquidGraph, Recall } from "../../../core/index.ts"
import type * as Params from "../../../core/Params.ts"
import { magsMemory, timeOf } from "../../../examples/games/Agents.ts"
import type { WorldName } from "../../../examples/games/Games.ts"
import * as Kitchen from "../../../examples/games/Kitchen.ts"
import * as Maze from "../../../examples/games/Maze.ts"
import * as Nonsense from "../../../examples/games/Nonsense.ts"
import { Rng } from "../../../examples/games/Prng.ts"
import type { BaseObservation, World } from "../../../examples/games/World.ts"
import type { Figures } from "../Objective.ts"

export const WORLDS: ReadonlyArray<WorldName> = ["nonsense", "maze", "kitchen"]

/**
 * Recall's work is measured on one step in this many (the first, then every 4th), and scaled to
 * all steps: measuring it repeats the recall, which is most of a game's time.
 */
export const RECALL_SAMPLE = 4

/** The seed offset of the validation split. */
export const VALIDATION_OFFSET = 1000

/** One split: its seeds and the world configuration. */
export interface History {
  readonly seeds: ReadonlyArray<number>
  readonly quick: boolean
}

/** The two splits for `--seed S`: `train` seeds from S, `validation` seeds from S + 1000. */
export const splits = (seed: number, n: { readonly train: number; readonly validation: number }, quick: boolean): { readonly train: History; readonly validation: History } => ({
  train: { seeds: Array.from({ length: n.train }, (_, i) => seed + i), quick },
  validation: { seeds: Array.from({ length: n.validation }, (_, i) => seed + VALIDATION_OFFSET + i), quick }
})

/** What one game measured. */
export interface GameRun {
  readonly world: WorldName
  readonly seed: number
  readonly score: number
  readonly steps: number
  readonly recalls: number
  readonly recallWork: number
  readonly changed: number
  readonly told: number
  readonly nodes: number
  readonly edges: number
}

/**
 * Counts graph items (nodes and edges) changed between successive graphs: each call compares the
 * graph with the one of the previous call — an item is changed when it is new, gone, or a
 * different record (records are immutable, so a touched item is a new object). Keeps plain
 * snapshots of the previous graph's records (iterating a graph is cheaper than looking each id up
 * in the other).
 *
 * @complexity O(nodes + edges) a call
 */
export class ChurnCounter {
  private prev = new Map<string, unknown>()
  private next = new Map<string, unknown>()
  /** Items changed since the previous call's graph (the first call compares with the empty graph). */
  step(g: LiquidGraph.LiquidGraph): number {
    let changed = 0
    let existing = 0
    const prev = this.prev
    const next = this.next
    next.clear()
    const take = (id: string, v: unknown): void => {
      const old = prev.get(id)
      if (old !== undefined) existing++
      if (old !== v) changed++
      next.set(id, v)
    }
    for (const [id, v] of g.nodes) take("n" + id, v)
    for (const [id, v] of g.edges) take("e" + id, v)
    changed += prev.size - existing // gone
    this.next = prev
    this.prev = next
    return changed
  }
}

const play = <S, O extends BaseObservation, C>(
  world: World<S, O, C>,
  config: C,
  name: WorldName,
  seed: number,
  params: Params.Params
): GameRun => {
  const memory = magsMemory(world.parse, params)
  const rng = Rng.of(seed ^ 0x5eed)
  let tr = world.reset(config, seed)
  memory.record(0, tr.observation.text, [], 0)
  let told = 1
  let steps = 0
  let wins = 0
  let successes = 0
  let recalls = 0
  let sampled = 0
  let sampledWork = 0
  let changed = 0
  const churn = new ChurnCounter()
  churn.step(memory.graph())
  while (!tr.done && steps < 100_000) {
    const o = tr.observation
    const before = memory.graph()
    // the agent's recall, measured on every RECALL_SAMPLE-th step: the same input on the same
    // graph (recall is deterministic)
    if (recalls % RECALL_SAMPLE === 0) {
      sampled++
      if (o.query.trim().length > 0 && LiquidGraph.nodeCount(before) > 0) {
        const cost = Recall.recall(before, { text: o.query, at: null }, params, timeOf(o.step)).result.cost
        sampledWork += cost.candidates + cost.edgesExamined
      }
    }
    recalls++
    const got = memory.retrieve(o.step, o.query)
    const policy = world.decide(o, got.triples, () => rng.float())
    tr = world.step(tr.state, policy.action)
    memory.record(o.step, tr.observation.text, policy.used, tr.reward)
    told++
    changed += churn.step(memory.graph())
    steps++
    if (tr.reward > 0) wins++
    if (tr.reward >= 1) successes++
  }
  const episodes = (tr.state as { config: { episodes: number } }).config.episodes
  const g = memory.graph()
  return {
    world: name, seed,
    score: name === "nonsense" ? (steps === 0 ? 0 : wins / steps) : successes / Math.max(1, episodes),
    steps, recalls, recallWork: sampled === 0 ? 0 : (sampledWork / sampled) * recalls, changed, told,
    nodes: LiquidGraph.nodeCount(g), edges: LiquidGraph.edgeCount(g)
  }
}

/** One game of `world` for `seed` under `params`. */
export const playOne = (world: WorldName, seed: number, quick: boolean, params: Params.Params): GameRun => {
  if (world === "nonsense") return play(Nonsense.world, quick ? Nonsense.quickConfig : Nonsense.defaultConfig, world, seed, params)
  if (world === "maze") return play(Maze.world, quick ? Maze.quickConfig : Maze.defaultConfig, world, seed, params)
  return play(Kitchen.world, quick ? Kitchen.quickConfig : Kitchen.defaultConfig, world, seed, params)
}

const mean = (xs: ReadonlyArray<number>): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length)

/** Plays the split under `params`. */
export const replay = (h: History, params: Params.Params): Figures => {
  const runs = WORLDS.flatMap((w) => h.seeds.map((s) => playOne(w, s, h.quick, params)))
  const metrics: Record<string, number> = {}
  for (const w of WORLDS) metrics[`${w}.score`] = mean(runs.filter((r) => r.world === w).map((r) => r.score))
  const sum = (f: (r: GameRun) => number): number => runs.reduce((a, r) => a + f(r), 0)
  metrics.nodes = sum((r) => r.nodes) / runs.length
  metrics.edges = sum((r) => r.edges) / runs.length
  return {
    loss: mean(WORLDS.map((w) => 1 - metrics[`${w}.score`]!)),
    cost: (sum((r) => r.recallWork) + sum((r) => r.changed)) / Math.max(1, sum((r) => r.recalls)),
    size: sum((r) => r.nodes + r.edges) / Math.max(1, sum((r) => r.told)),
    churn: sum((r) => r.changed) / Math.max(1, sum((r) => r.steps)),
    metrics
  }
}
