/**
 * Run — one MCQ evaluation: generate the world, feed every system the same statements, ask the
 * questions, answer them by the documented rule (`Scoring.ts`) or, when an answerer is given
 * (e.g. a language model), by it, and summarise.
 *
 * @since 0.1.0
 */
import { LiquidGraph } from "../../../core/index.ts"
import * as Harness from "./Harness.ts"
import { type Outcome, type Summary, summarise } from "./Metrics.ts"
import { scoreOptions } from "./Scoring.ts"
import * as Systems from "./Systems.ts"
import { type Config, defaultConfig, generate, type Question, type World } from "./World.ts"

/** Answers a question from a context (`Harness.Answerer`): the rule of `Scoring.ts` by default, or e.g. a model. */
export type Answerer = Harness.Answerer<Question>

/** The rule answerer with its own seeded guess stream. */
export const ruleAnswerer = (seed: number): Answerer =>
  Harness.ruleAnswerer(seed, (q: Question, units) => scoreOptions(q.entity, q.relation, q.options, units))

/** Options of {@link run}. */
export type RunOptions = Harness.RunOptions<Config, Question>

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
export interface RunResult extends Harness.Answers<Outcome, Summary> {
  readonly world: World
  readonly graph: GraphFigures
  /** Share of the world's made-up words (entities, relations, values) the embedder has vectors for. */
  readonly vocabularyKnown: number
  /** With `options.learned`: the `mags-learned` system's graph size after the questions. */
  readonly learnedGraph?: { readonly nodes: number; readonly edges: number }
}

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
    Systems.mags(world, options.embedder, so, "rule", false),
  ]
  const learnedSystem = options.learned === undefined ? undefined : Systems.mags(world, options.embedder, so, "rule", true, options.learned)
  if (learnedSystem !== undefined) systems.push(learnedSystem)
  const answers = await Harness.answerWorld({
    suite: "mcq",
    seed: options.seed,
    statements: world.statements,
    questions: world.questions,
    systems,
    answerer: options.answerer,
    rule: ruleAnswerer,
    outcome: (answered, q, chosen): Outcome => ({ ...answered, corrected: q.corrected, outdated: q.outdated !== null && chosen === q.outdated }),
    summarise,
    progress: options.progress
  })

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
    ...answers,
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
    vocabularyKnown: words.filter((w) => options.embedder.knows(w)).length / words.length,
    ...(learnedSystem === undefined ? {} : {
      learnedGraph: { nodes: LiquidGraph.nodeCount(learnedSystem.graph()), edges: LiquidGraph.edgeCount(learnedSystem.graph()) }
    })
  }
}
