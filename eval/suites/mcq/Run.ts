/**
 * Run — one MCQ evaluation: generate the world, feed every system the same statements, ask the
 * questions, answer them by the documented rule (`Scoring.ts`) or, when an answerer is given
 * (e.g. a language model), by it, and summarise.
 *
 * @since 0.1.0
 */
import { LiquidGraph } from "../../../core/index.ts"
import type { SentenceEmbedder } from "./Embed.ts"
import { type Outcome, type Summary, summarise } from "./Metrics.ts"
import { Cursor } from "./Prng.ts"
import { choose, scoreOptions } from "./Scoring.ts"
import type { Unit } from "./Scoring.ts"
import * as Systems from "./Systems.ts"
import { type Config, defaultConfig, generate, type Question, type World } from "./World.ts"

/**
 * Answers a question from a context: the option index, or null for no answer (counted wrong).
 * The default is the rule of `Scoring.ts`; a model-backed answerer can be passed instead.
 */
export type Answerer = (q: Question, units: ReadonlyArray<Unit>) => Promise<{ readonly index: number | null; readonly guessed: boolean }>

/** The rule answerer with its own seeded guess stream. */
export const ruleAnswerer = (seed: number): Answerer => {
  const rng = new Cursor(seed ^ 0x5eed)
  return async (q, units) => {
    const c = choose(scoreOptions(q.entity, q.relation, q.options, units), rng)
    return { index: c.index, guessed: c.guessed }
  }
}

/** Options of {@link run}. */
export interface RunOptions {
  readonly seed: number
  readonly config?: Config
  readonly systemOptions?: Systems.SystemOptions
  readonly embedder: SentenceEmbedder
  /** One answerer per system (default: the rule, seeded per system). */
  readonly answerer?: (system: string) => Answerer
  readonly progress?: (message: string, done?: number, total?: number) => void
}

/** MAGS graph figures after the questions. */
export interface GraphFigures {
  readonly nodes: number
  readonly edges: number
  readonly episodeNodes: number
  readonly semanticNodes: number
  readonly factEdges: number
  readonly currentFactEdges: number
  readonly superseded: number
  readonly extracted: { readonly fact: number; readonly correction: number; readonly filler: number }
  /** Corrected slots whose only current fact in memory is the latest value. */
  readonly correctionsHeld: number
}

/** What a run produced. */
export interface RunResult {
  readonly world: World
  readonly historyTokens: number
  readonly summaries: ReadonlyArray<{ readonly system: string; readonly summary: Summary }>
  readonly outcomes: ReadonlyMap<string, ReadonlyArray<Outcome>>
  readonly graph: GraphFigures
  /** Share of the world's made-up words (entities, relations, values) the embedder has vectors for. */
  readonly vocabularyKnown: number
}

const SYSTEM_SEEDS: Record<string, number> = { base: 1, rag: 2, "rag-bm25": 3, mags: 4, "mags-structured": 5, "mags-no-episodes": 6 }

/** Runs every system on the world of `options.seed`. @complexity O(statements · systems + questions · recall) */
export const run = async (options: RunOptions): Promise<RunResult> => {
  const config = options.config ?? defaultConfig
  const so = options.systemOptions ?? Systems.defaultSystemOptions
  const world = generate(options.seed, config)
  const magsSystem = Systems.mags(world, options.embedder, so, "rule")
  const systems: Array<Systems.System> = [
    Systems.base(so),
    Systems.rag(options.embedder, so),
    Systems.ragBm25(so),
    magsSystem,
    Systems.mags(world, options.embedder, so, "structured"),
    Systems.mags(world, options.embedder, so, "rule", false)
  ]
  const progress = options.progress ?? (() => {})
  const total = world.statements.length
  world.statements.forEach((s, i) => {
    for (const sys of systems) sys.ingest(s)
    if ((i + 1) % 100 === 0 || i + 1 === total) progress("mcq: ingest", i + 1, total)
  })
  const tEnd = world.statements[world.statements.length - 1]!.time
  const outcomes = new Map<string, Array<Outcome>>()
  for (const sys of systems) {
    const answer = options.answerer?.(sys.name) ?? ruleAnswerer(options.seed * 31 + (SYSTEM_SEEDS[sys.name] ?? 0))
    const out: Array<Outcome> = []
    for (const [i, q] of world.questions.entries()) {
      const ctx = sys.context(q, tEnd + (i + 1) * 60_000)
      const a = await answer(q, ctx.units)
      const chosen = a.index === null ? null : q.options[a.index]
      out.push({
        question: q.id,
        corrected: q.corrected,
        correct: a.index === q.answer,
        guessed: a.guessed || a.index === null,
        outdated: q.outdated !== null && chosen === q.outdated,
        tokens: ctx.tokens
      })
    }
    outcomes.set(sys.name, out)
    progress(`mcq: answered (${sys.name})`, systems.indexOf(sys) + 1, systems.length)
  }

  const g = magsSystem.graph()
  const nodes = LiquidGraph.nodes(g)
  const edges = LiquidGraph.edges(g)
  const facts = edges.filter((e) => e.kind === "fact")
  const current = facts.filter((e) => e.supersededBy === null && e.validUntil === null)
  const key = (s: string) => s.toLowerCase()
  let correctionsHeld = 0
  const latest = new Map<string, string>()
  for (const s of world.statements) if (s.fact !== null) latest.set(`${key(s.fact.entity)}|${s.fact.relation}`, key(s.fact.value))
  for (const q of world.questions) {
    if (!q.corrected) continue
    const held = current.filter((f) => !f.negated && key(f.subject) === key(q.entity) && f.relation === q.relation).map((f) => key(f.object))
    if (held.length === 1 && held[0] === latest.get(`${key(q.entity)}|${q.relation}`)) correctionsHeld++
  }
  const words = [...world.entities, ...world.relations, ...world.values]
  return {
    world,
    historyTokens: Systems.unitTokens(world.statements.map((s) => ({ text: s.text, time: s.time }))),
    summaries: systems.map((s) => ({ system: s.name, summary: summarise(outcomes.get(s.name)!) })),
    outcomes,
    graph: {
      nodes: nodes.length,
      edges: edges.length,
      episodeNodes: nodes.filter((n) => n.kind === "episode").length,
      semanticNodes: nodes.filter((n) => n.kind !== "episode").length,
      factEdges: facts.length,
      currentFactEdges: current.length,
      superseded: magsSystem.superseded(),
      extracted: magsSystem.extracted(),
      correctionsHeld
    },
    vocabularyKnown: words.filter((w) => options.embedder.knows(w)).length / words.length
  }
}
