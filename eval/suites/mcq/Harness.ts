/**
 * Harness — what every MCQ suite (`mcq`, `mcq-hard`) does the same way, over its own world,
 * systems, outcome and summary: run one world (every system ingests the same statements in the
 * same order, then answers every question from its own context, by a seeded rule or a given
 * answerer), and turn the worlds' runs into rows, an accuracy chart and a report's figures.
 *
 * @since 0.3.0
 */
import type * as Controller from "../../../core/Controller.ts"
import type { Chart, Row } from "../../Suite.ts"
import * as Embed from "./Embed.ts"
import { Cursor } from "./Prng.ts"
import { choose, type OptionScore, type Unit } from "./Scoring.ts"
import { type Asked, type System, type SystemOptions, type Told, unitTokens } from "./Systems.ts"

// ── one world ───────────────────────────────────────────────────────────────────

/**
 * Answers a question from a context: the option index, or null for no answer (counted wrong),
 * and whether it guessed. The default is a suite's scoring rule; a model-backed answerer
 * (`Model.ts`) can be passed instead.
 */
export type Answerer<Q> = (q: Q, units: ReadonlyArray<Unit>) => Promise<{ readonly index: number | null; readonly guessed: boolean }>

/** The rule answerer over a scoring of the options: `choose` with its own seeded guess stream. */
export const ruleAnswerer = <Q>(seed: number, score: (q: Q, units: ReadonlyArray<Unit>) => ReadonlyArray<OptionScore>): Answerer<Q> => {
  const rng = new Cursor(seed ^ 0x5eed)
  return async (q, units) => {
    const c = choose(score(q, units), rng)
    return { index: c.index, guessed: c.guessed }
  }
}

/**
 * Each system's own offset in the seed of its rule answerer (fixed per name: adding a system
 * changes no other's guesses). `mags-learned` guesses as `mags` does, so the two differ only by
 * what the controller recalled.
 */
const SYSTEM_SEEDS: Record<string, number> = { base: 1, rag: 2, "rag-bm25": 3, mags: 4, "mags-structured": 5, "mags-no-episodes": 6, "mags-learned": 4 }

/** The seed of `system`'s rule answerer in the world of `seed`. */
export const answererSeed = (seed: number, system: string): number => seed * 31 + (SYSTEM_SEEDS[system] ?? 0)

/** What an MCQ suite's run is given (`C` its world config, `Q` its question). */
export interface RunOptions<C, Q> {
  readonly seed: number
  readonly config?: C
  readonly systemOptions?: SystemOptions
  readonly embedder: Embed.SentenceEmbedder
  /** One answerer per system (default: the suite's rule, seeded per system by {@link answererSeed}). */
  readonly answerer?: (system: string) => Answerer<Q>
  /** A trained memory controller's decisions: adds the system `mags-learned` (the MAGS memory under them). */
  readonly learned?: Controller.Decider
  readonly progress?: (message: string, done?: number, total?: number) => void
}

/** A question as the harness asks it: its text, options and the correct option's index. */
export interface Posed extends Asked {
  readonly id: string
  readonly options: ReadonlyArray<string>
  readonly answer: number
}

/** What every suite's outcome of one answered question holds. */
export interface Answered {
  readonly question: string
  readonly correct: boolean
  /** Guessed, or gave no answer. */
  readonly guessed: boolean
  readonly tokens: number
}

/** One world to answer: its statements and questions, the systems, and how a suite records and sums up an answer. */
export interface WorldRun<S extends Told, Q extends Posed, O, Sm> {
  /** The suite's name (progress messages). */
  readonly suite: string
  readonly seed: number
  readonly statements: ReadonlyArray<S>
  readonly questions: ReadonlyArray<Q>
  readonly systems: ReadonlyArray<System<S, Q>>
  readonly answerer: ((system: string) => Answerer<Q>) | undefined
  /** The suite's rule answerer of a seed. */
  readonly rule: (seed: number) => Answerer<Q>
  /** The suite's outcome: the common record plus what it measures of the option chosen (null: none). */
  readonly outcome: (answered: Answered, q: Q, chosen: string | null) => O
  readonly summarise: (outcomes: ReadonlyArray<O>) => Sm
  readonly progress: ((message: string, done?: number, total?: number) => void) | undefined
}

/** What answering a world gives every suite. */
export interface Answers<O, Sm> {
  /** Estimated tokens of the whole history (a window's ⌈chars/4⌉ count). */
  readonly historyTokens: number
  readonly summaries: ReadonlyArray<{ readonly system: string; readonly summary: Sm }>
  readonly outcomes: ReadonlyMap<string, ReadonlyArray<O>>
}

/**
 * Every system ingests every statement (in order, each statement by all systems before the next),
 * then each system in turn answers the questions in order, question i asked one minute after
 * question i − 1, the first one minute after the last statement.
 * @complexity O(statements · systems + questions · systems · context)
 */
export const answerWorld = async <S extends Told, Q extends Posed, O, Sm>(w: WorldRun<S, Q, O, Sm>): Promise<Answers<O, Sm>> => {
  const progress = w.progress ?? (() => {})
  const total = w.statements.length
  w.statements.forEach((s, i) => {
    for (const sys of w.systems) sys.ingest(s)
    if ((i + 1) % 100 === 0 || i + 1 === total) progress(`${w.suite}: ingest`, i + 1, total)
  })
  const tEnd = w.statements[w.statements.length - 1]!.time
  const outcomes = new Map<string, Array<O>>()
  for (const [n, sys] of w.systems.entries()) {
    const answer = w.answerer?.(sys.name) ?? w.rule(answererSeed(w.seed, sys.name))
    const out: Array<O> = []
    for (const [i, q] of w.questions.entries()) {
      const ctx = sys.context(q, tEnd + (i + 1) * 60_000)
      const a = await answer(q, ctx.units)
      const chosen = a.index === null ? null : q.options[a.index] ?? null
      out.push(w.outcome({ question: q.id, correct: a.index === q.answer, guessed: a.guessed || a.index === null, tokens: ctx.tokens }, q, chosen))
    }
    outcomes.set(sys.name, out)
    progress(`${w.suite}: answered (${sys.name})`, n + 1, w.systems.length)
  }
  return {
    historyTokens: unitTokens(w.statements.map((s) => ({ text: s.text, time: s.time }))),
    summaries: w.systems.map((s) => ({ system: s.name, summary: w.summarise(outcomes.get(s.name)!) })),
    outcomes
  }
}

// ── the worlds of a suite ────────────────────────────────────────────────────────

/** Arithmetic mean (NaN for none). @complexity O(n) */
export const mean = (xs: ReadonlyArray<number>): number => xs.reduce((a, b) => a + b, 0) / xs.length
/** Sample standard deviation (0 for fewer than two). @complexity O(n) */
export const sd = (xs: ReadonlyArray<number>): number => {
  const m = mean(xs)
  return xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1))
}
/** A fraction as a percentage with one decimal ("45.6%"). */
export const pct = (x: number): string => `${(100 * x).toFixed(1)}%`

/** A suite's embedder, with a note for the report when it is not the intended one. */
export type EmbedderChoice = () => Promise<{ readonly embedder: Embed.SentenceEmbedder; readonly note?: string }>

/** Options of an MCQ suite's `makeSuite` (`Q` its question). */
export interface MakeOptions<Q> {
  /** The shared embedder (default: GloVe, falling back to the hash embedder when it cannot load). */
  readonly embedder?: EmbedderChoice
  /** A model answerer per system (default: the suite's rule). */
  readonly answerer?: (system: string) => Answerer<Q>
}

/** GloVe, or the deterministic hash embedder with a note saying why. */
export const defaultEmbedder: EmbedderChoice = async () => {
  try {
    return { embedder: await Embed.glove() }
  } catch (e) {
    return {
      embedder: Embed.fallback,
      note: `GloVe could not be loaded (${String(e)}); the deterministic hash embedder was used for every system.`
    }
  }
}

/** Runs the worlds of `seeds` one after another, saying which. */
export const runWorlds = async <R>(
  suite: string,
  seeds: ReadonlyArray<number>,
  progress: (message: string, done?: number, total?: number) => void,
  runOne: (seed: number) => Promise<R>
): Promise<Array<R>> => {
  const runs: Array<R> = []
  for (const [i, seed] of seeds.entries()) {
    progress(`${suite}: world ${i + 1}/${seeds.length} (seed ${seed})`, i, seeds.length)
    runs.push(await runOne(seed))
  }
  progress(`${suite}: done`, seeds.length, seeds.length)
  return runs
}

/** The worlds' runs read per system, and the suite's rows being written. */
export interface Tally<Sm, R> {
  /** The systems, in the first run's order. */
  readonly systems: ReadonlyArray<string>
  /** A summary figure of `system`, one per world. */
  readonly per: (system: string, f: (s: Sm) => number) => Array<number>
  /** A system's accuracy, mean over worlds. */
  readonly acc: (system: string) => number
  /** A run figure, mean over worlds. */
  readonly g: (f: (r: R) => number) => number
  readonly rows: Array<Row>
  readonly row: (system: string, metric: string, value: number) => void
  /** Per system: `accuracy` and `accuracy_sd` over worlds, then the mean of each of `figures`, in order. */
  readonly summaryRows: (figures: ReadonlyArray<readonly [string, (s: Sm) => number]>) => void
}

/** The tally of a suite's runs (`accuracy`: a summary's accuracy). @complexity O(1); each getter O(worlds · systems) */
export const tally = <Sm, R extends { readonly summaries: ReadonlyArray<{ readonly system: string; readonly summary: Sm }> }>(
  suite: string,
  runs: ReadonlyArray<R>,
  accuracy: (s: Sm) => number
): Tally<Sm, R> => {
  const systems = runs[0]!.summaries.map((s) => s.system)
  const per = (system: string, f: (s: Sm) => number): Array<number> =>
    runs.map((r) => f(r.summaries.find((s) => s.system === system)!.summary))
  const rows: Array<Row> = []
  const row = (system: string, metric: string, value: number) => void rows.push({ suite, system, metric, value })
  return {
    systems,
    per,
    acc: (system) => mean(per(system, accuracy)),
    g: (f) => mean(runs.map(f)),
    rows,
    row,
    summaryRows: (figures) => {
      for (const s of systems) {
        row(s, "accuracy", mean(per(s, accuracy)))
        row(s, "accuracy_sd", sd(per(s, accuracy)))
        for (const [metric, f] of figures) row(s, metric, mean(per(s, f)))
      }
    }
  }
}

/** Grouped bars: each system's accuracy per subset of questions (mean over worlds). */
export const accuracyChart = <Sm>(
  name: string,
  title: string,
  systems: ReadonlyArray<string>,
  subsets: ReadonlyArray<readonly [string, (s: Sm) => number]>,
  per: (system: string, f: (s: Sm) => number) => Array<number>
): Chart => ({
  name,
  title,
  spec: {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    width: 360, height: 220,
    data: { values: systems.flatMap((s) => subsets.map(([subset, f]) => ({ system: s, subset, accuracy: mean(per(s, f)) }))) },
    mark: "bar",
    encoding: {
      x: { field: "system", type: "nominal", sort: systems },
      xOffset: { field: "subset", type: "nominal" },
      y: { field: "accuracy", type: "quantitative", scale: { domain: [0, 1] }, axis: { format: "%" } },
      color: { field: "subset", type: "nominal" }
    }
  }
})
