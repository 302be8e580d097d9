/**
 * Run — one hard-MCQ evaluation: generate the world, feed every system the same statements in
 * the same order, ask the questions, answer each from the system's context by the reader of
 * `Scoring.ts` (or a given answerer, e.g. a language model), and summarise per question kind.
 *
 * @since 0.3.0
 */
import { LiquidGraph, Relation } from "../../../core/index.ts"
import * as Harness from "../mcq/Harness.ts"
import * as TextSystems from "../mcq/Systems.ts"
import { scoreOptions } from "./Scoring.ts"
import * as Systems from "./Systems.ts"
import { type Config, defaultConfig, generate, type Question, type Statement, type World } from "./World.ts"

/** Answers a question from a context (`Harness.Answerer`): the reader of `Scoring.ts` by default, or e.g. a model. */
export type Answerer = Harness.Answerer<Question>

/** The reader of `Scoring.ts` with its own seeded guess stream; `names` are the world's people. */
export const ruleAnswerer = (seed: number, names: ReadonlyArray<string>): Answerer =>
  Harness.ruleAnswerer(seed, (q: Question, units) => scoreOptions(q, units, names))

/** One answered question. */
export interface Outcome {
  readonly question: string
  readonly kind: Question["kind"]
  readonly correct: boolean
  readonly guessed: boolean
  /** Chose an earlier value of the subject's slot. */
  readonly outdated: boolean
  /** Two-hop: chose the entity's own value (the lexical trap). */
  readonly trapped: boolean
  readonly tokens: number
}

/** A system's figures (fractions; NaN for an empty subset). */
export interface Summary {
  readonly accuracy: number
  readonly accuracyUpdate: number
  readonly accuracyTwoHop: number
  readonly guessRate: number
  readonly outdatedRate: number
  readonly trapRate: number
  readonly meanTokens: number
}

const share = <A>(xs: ReadonlyArray<A>, p: (x: A) => boolean): number => (xs.length === 0 ? Number.NaN : xs.filter(p).length / xs.length)

/** The summary of outcomes. @complexity O(n) */
export const summarise = (o: ReadonlyArray<Outcome>): Summary => {
  const hop = o.filter((x) => x.kind === "two-hop")
  return {
    accuracy: share(o, (x) => x.correct),
    accuracyUpdate: share(o.filter((x) => x.kind === "update"), (x) => x.correct),
    accuracyTwoHop: share(hop, (x) => x.correct),
    guessRate: share(o, (x) => x.guessed),
    outdatedRate: share(o, (x) => x.outdated),
    trapRate: share(hop, (x) => x.trapped),
    meanTokens: o.length === 0 ? 0 : o.reduce((s, x) => s + x.tokens, 0) / o.length
  }
}

/** Options of {@link run}. */
export type RunOptions = Harness.RunOptions<Config, Question>

/** The MAGS graph after the questions. */
export interface GraphFigures {
  readonly nodes: number
  readonly edges: number
  readonly factEdges: number
  readonly superseded: number
  /** Share of the told statements (fact, link, update) the extractor read a triple from. */
  readonly coverage: number
  /** Share of the questions' subject slots whose only current fact is the latest value. */
  readonly slotsHeld: number
  /** Share of the two-hop questions' links present as a current fact between the two people. */
  readonly linksHeld: number
}

/** What a run produced. */
export interface RunResult extends Harness.Answers<Outcome, Summary> {
  readonly world: World
  readonly graph: GraphFigures
}

/** The memory's canonical relation of each world relation. */
const REL: Record<Question["relation"], string> = { lives: Relation.canon("lives in"), works: Relation.canon("works at") }

/** Runs every system on the world of `options.seed`. @complexity O(statements · systems + questions · recall) */
export const run = async (options: RunOptions): Promise<RunResult> => {
  const config = options.config ?? defaultConfig
  const so = options.systemOptions ?? TextSystems.defaultSystemOptions
  const world = generate(options.seed, config)
  const names = world.people.map((p) => p.name)
  const magsSystem = Systems.mags(options.embedder, so, true)
  const systems: Array<TextSystems.System<Statement, Question>> = [
    TextSystems.base(so),
    TextSystems.rag(options.embedder, so),
    TextSystems.ragBm25(so),
    magsSystem,
    Systems.mags(options.embedder, so, false)
  ]
  const answers = await Harness.answerWorld({
    suite: "mcq-hard",
    seed: options.seed,
    statements: world.statements,
    questions: world.questions,
    systems,
    answerer: options.answerer,
    rule: (seed) => ruleAnswerer(seed, names),
    outcome: (answered, q, chosen): Outcome => ({
      ...answered,
      kind: q.kind,
      outdated: chosen !== null && q.previous.includes(chosen),
      trapped: chosen !== null && chosen === q.trap
    }),
    summarise,
    progress: options.progress
  })

  const g = magsSystem.graph()
  const facts = LiquidGraph.edges(g).filter((e) => e.kind === "fact")
  const current = facts.filter((f) => !f.negated && f.supersededBy === null && f.validUntil === null)
  const k = (s: string) => s.toLowerCase()
  const slotsHeld = world.questions.filter((q) => {
    const held = current.filter((f) => k(f.subject) === k(q.subject) && f.relation === REL[q.relation]).map((f) => k(f.object))
    return held.length === 1 && held[0] === k(q.options[q.answer]!)
  }).length / world.questions.length
  const hops = world.questions.filter((q) => q.kind === "two-hop")
  const linksHeld = hops.filter((q) =>
    current.some((f) => {
      const ends = [k(f.subject), k(f.object)]
      return ends.includes(k(q.entity)) && ends.includes(k(q.subject)) && f.relation !== Relation.canon("knows")
    })
  ).length / Math.max(1, hops.length)
  const extracted = magsSystem.extracted()
  const told = world.statements.filter((s) => s.kind === "fact" || s.kind === "link" || s.kind === "update").length
  return {
    world,
    ...answers,
    graph: {
      nodes: LiquidGraph.nodeCount(g),
      edges: LiquidGraph.edgeCount(g),
      factEdges: facts.length,
      superseded: magsSystem.superseded(),
      coverage: (extracted.fact + extracted.link + extracted.update) / told,
      slotsHeld,
      linksHeld
    }
  }
}
