/**
 * Games — runs every agent in every world for a list of seeds and collects the figures.
 */
import { AGENTS, run, type AgentName, type Chooser, type Decider, type RunResult } from "./Agents.ts"
import * as Kitchen from "./Kitchen.ts"
import * as Maze from "./Maze.ts"
import { mean, perStep, recoveries, type Recovery } from "./Metrics.ts"
import * as Nonsense from "./Nonsense.ts"
import type { World } from "./World.ts"

export const WORLDS = ["nonsense", "maze", "kitchen"] as const
export type WorldName = (typeof WORLDS)[number]

export interface AgentFigures {
  readonly agent: AgentName
  readonly world: WorldName
  /** Mean over seeds. */
  readonly score: number
  /** Nonsense only: mean over seeds and rule changes (censored values included), and the recovered fraction. */
  readonly recoverySteps?: number
  readonly recoveredFraction?: number
  readonly recoveries?: ReadonlyArray<ReadonlyArray<Recovery>>
  /** Maze/kitchen: mean steps per episode. */
  readonly stepsPerEpisode?: number
  readonly nodesFinal: number
  readonly edgesFinal: number
  readonly recallsPerStep: number
  readonly engramsPerStep: number
  /** The first seed's run (for the charts). */
  readonly first: RunResult
}

export interface GamesOptions {
  readonly quick: boolean
  readonly seeds: ReadonlyArray<number>
  readonly chooser?: Chooser
  /** The MAGS agent's memory decisions (default: the hand-written controller). */
  readonly decide?: Decider
  readonly progress?: (message: string, done?: number, total?: number) => void
}

const episodes = (r: RunResult): number => (r.finalState as { config: { episodes: number } }).config.episodes

/** A world and its configuration (quick or full). */
export interface Game {
  readonly world: World<any, any, any>
  readonly config: unknown
}

/** The world named `world` with its quick or full configuration. @complexity O(1) */
export const gameOf = (world: WorldName, quick: boolean): Game =>
  world === "nonsense"
    ? { world: Nonsense.world, config: quick ? Nonsense.quickConfig : Nonsense.defaultConfig }
    : world === "maze"
    ? { world: Maze.world, config: quick ? Maze.quickConfig : Maze.defaultConfig }
    : { world: Kitchen.world, config: quick ? Kitchen.quickConfig : Kitchen.defaultConfig }

export const runOne = (world: WorldName, agent: AgentName, seed: number, quick: boolean, chooser?: Chooser, decide?: Decider): Promise<RunResult> => {
  const opts = { ...(chooser === undefined ? {} : { chooser }), ...(decide === undefined ? {} : { decide }) }
  const g = gameOf(world, quick)
  return run(g.world, g.config, seed, agent, opts)
}

/** Figures of one agent in one world over the seeds. */
export const figures = async (world: WorldName, agent: AgentName, o: GamesOptions): Promise<AgentFigures> => {
  const runs: Array<RunResult> = []
  for (const s of o.seeds) runs.push(await runOne(world, agent, s, o.quick, o.chooser, o.decide))
  const last = (r: RunResult) => r.steps[r.steps.length - 1]
  const rates = runs.map((r) => perStep(r.steps))
  const base = {
    agent, world,
    nodesFinal: mean(runs.map((r) => last(r)?.nodes ?? 0)),
    edgesFinal: mean(runs.map((r) => last(r)?.edges ?? 0)),
    recallsPerStep: mean(rates.map((x) => mean(x.map((y) => y.recalls)))),
    engramsPerStep: mean(rates.map((x) => mean(x.map((y) => y.engrams)))),
    first: runs[0]!
  }
  if (world === "nonsense") {
    const recs = runs.map((r) => recoveries(r.steps.map((s) => s.reward > 0), (r.finalState as Nonsense.NonsenseState).changeSteps))
    const flat = recs.flat()
    return {
      ...base,
      score: mean(runs.map((r) => mean(r.steps.map((s) => (s.reward > 0 ? 1 : 0))))),
      recoverySteps: mean(flat.map((x) => x.steps)),
      recoveredFraction: mean(flat.map((x) => (x.recovered ? 1 : 0))),
      recoveries: recs
    }
  }
  const successes = (r: RunResult) => r.steps.filter((s) => s.reward >= 1).length
  return {
    ...base,
    score: mean(runs.map((r) => successes(r) / Math.max(1, episodes(r)))),
    stepsPerEpisode: mean(runs.map((r) => r.steps.length / Math.max(1, episodes(r))))
  }
}

export const runAll = async (o: GamesOptions): Promise<Array<AgentFigures>> => {
  const out: Array<AgentFigures> = []
  const total = WORLDS.length * AGENTS.length
  for (const w of WORLDS) {
    for (const a of AGENTS) {
      o.progress?.(`games: ${w} / ${a}`, out.length, total)
      out.push(await figures(w, a, o))
    }
  }
  o.progress?.("games: done", total, total)
  return out
}
