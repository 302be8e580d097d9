/**
 * The extraction suite (issue 7, item 1): the LLM-free rule extractor over the labelled set
 * (`cases.jsonl`, README.md here), scored by family and split — precision, recall, F1, date
 * accuracy on the matched facts, the share of factless cases left clean, and the sentences read
 * per second.
 *
 * Each case's turns are read in order by one discourse reader (`RuleExtractor.make().discourse()`)
 * with the turn's speaker and time, so pronouns, the narrator and "we" carry across turns.
 *
 * Rows (system `rules`): `<metric>/<split>` and `<metric>/<split>/<family>` for metric in
 * precision, recall, f1, date_accuracy (when a matched fact carries a date), clean_rate (when the
 * group has factless cases), cases; the same over both splits as `<metric>/all`; and
 * `sentences`, `sentences_per_s`. The goal reads `f1/test`.
 *
 * @since 0.2.0
 */
import * as RuleExtractor from "../../../shell/extract/RuleExtractor.ts"
import type { Chart, Row, Suite, SuiteOptions, SuiteResult } from "../../Suite.ts"
import { type Case, contextOf, FAMILIES, load, sentencesOf, SPLITS, type TurnContext } from "./Cases.ts"
import { type CaseScore, type Predicted, rates, scoreCase, type Tally, tallyBy } from "./Score.ts"

const SUITE = "extraction"

/** A stateful reader of one conversation. */
export interface Reader {
  readonly read: (text: string, context: TurnContext) => ReadonlyArray<Predicted>
}

/** A system: its name and a fresh reader per conversation. */
export interface System {
  readonly name: string
  readonly reader: () => Reader
}

/** The rule extractor through its pure API, one discourse per case. */
export const rules = (): System => {
  const extractor = RuleExtractor.make({})
  return { name: "rules", reader: () => extractor.discourse() }
}

/** A system's run over cases: every case scored, and the time spent reading. */
export interface RunResult {
  readonly system: string
  readonly scores: ReadonlyArray<CaseScore>
  readonly sentences: number
  readonly seconds: number
}

/**
 * Reads every case's turns in order with a fresh reader and scores the predictions.
 * Only the reading is timed (one warm-up sentence first, so a model load is not counted).
 * @complexity O(total text) extraction + O(facts) scoring
 */
export const run = (system: System, cases: ReadonlyArray<Case>): RunResult => {
  system.reader().read("Kim lives in Paris.", { speaker: null, time: null })
  const predicted: Array<ReadonlyArray<Predicted>> = []
  const t0 = performance.now()
  for (const c of cases) {
    const reader = system.reader()
    const out: Array<Predicted> = []
    for (const turn of c.turns) out.push(...reader.read(turn.text, contextOf(c, turn)))
    predicted.push(out)
  }
  const seconds = (performance.now() - t0) / 1000
  return { system: system.name, scores: cases.map((c, i) => scoreCase(c, predicted[i]!)), sentences: sentencesOf(cases), seconds }
}

/** The rows of one tally under a metric suffix (`/test`, `/test/dates`, `/all`). */
const tallyRows = (system: string, suffix: string, t: Tally): Array<Row> => {
  const r = rates(t)
  const row = (metric: string, value: number): Row => ({ suite: SUITE, system, metric: `${metric}${suffix}`, value })
  return [
    row("cases", t.cases),
    row("precision", r.precision),
    row("recall", r.recall),
    row("f1", r.f1),
    ...(r.dateAccuracy === undefined ? [] : [row("date_accuracy", r.dateAccuracy)]),
    ...(r.cleanRate === undefined ? [] : [row("clean_rate", r.cleanRate)])
  ]
}

/** Rows of a run (pure). */
export const rowsOf = (result: RunResult): Array<Row> => {
  const { system, scores } = result
  const rows: Array<Row> = []
  const bySplit = tallyBy(scores, (s) => s.split)
  const byFamily = tallyBy(scores, (s) => `${s.split}/${s.family}`)
  for (const split of SPLITS) {
    const t = bySplit.get(split)
    if (t === undefined) continue
    rows.push(...tallyRows(system, `/${split}`, t))
    for (const family of FAMILIES) {
      const f = byFamily.get(`${split}/${family}`)
      if (f !== undefined) rows.push(...tallyRows(system, `/${split}/${family}`, f))
    }
  }
  const all = tallyBy(scores, () => "all").get("all")
  if (all !== undefined) rows.push(...tallyRows(system, "/all", all))
  rows.push({ suite: SUITE, system, metric: "sentences", value: result.sentences })
  if (result.seconds > 0) rows.push({ suite: SUITE, system, metric: "sentences_per_s", value: result.sentences / result.seconds })
  return rows
}

const pct = (x: number | undefined): string => (x === undefined ? "–" : (100 * x).toFixed(1) + "%")

/** The per-family table and the dev split's errors (the test split's are not listed: report it, do not tune on it). */
export const notesOf = (result: RunResult, errorsShown = 40): Array<string> => {
  const byFamily = tallyBy(result.scores, (s) => `${s.split}/${s.family}`)
  const bySplit = tallyBy(result.scores, (s) => s.split)
  const header = "| family | dev P | dev R | dev F1 | test P | test R | test F1 | test dates | test clean | cases dev/test |\n|---|---|---|---|---|---|---|---|---|---|"
  const line = (name: string, dev: Tally | undefined, test: Tally | undefined): string => {
    const d = dev === undefined ? undefined : rates(dev)
    const t = test === undefined ? undefined : rates(test)
    return `| ${name} | ${pct(d?.precision)} | ${pct(d?.recall)} | ${pct(d?.f1)} | ${pct(t?.precision)} | ${pct(t?.recall)} | ${pct(t?.f1)} | ${pct(t?.dateAccuracy)} | ${pct(t?.cleanRate)} | ${dev?.cases ?? 0}/${test?.cases ?? 0} |`
  }
  const table = [
    header,
    ...FAMILIES.map((f) => line(f, byFamily.get(`dev/${f}`), byFamily.get(`test/${f}`))),
    line("**overall**", bySplit.get("dev"), bySplit.get("test"))
  ].join("\n")
  const errors = result.scores
    .filter((s) => s.split === "dev")
    .flatMap((s) => [
      ...s.missed.map((m) => `${s.id} missed ${m}`),
      ...s.spurious.map((m) => `${s.id} spurious ${m}`),
      ...s.wrongDates.map((m) => `${s.id} date ${m}`)
    ])
  return [
    `The rule extractor (\`${result.system}\`) read ${result.scores.length} hand-labelled cases (${result.sentences} sentences) of conversational English, turn by turn with speaker and time, in ${result.seconds.toFixed(2)} s (${(result.sentences / Math.max(result.seconds, 1e-9)).toFixed(0)} sentences/s, one cold pass on one core; \`npm run bench -- --only extract\` measures throughput). Facts are compared after the core's relation normalisation; dates to the day, on matched facts. The goal reads the test split's F1. "clean" is the share of factless cases (questions, modals, chit-chat, other scripts) given no fact at all: the figure to read for \`negatives\`, whose F1 rests on its one true fact (a possessive inside a hypothetical).`,
    table,
    errors.length === 0
      ? "No errors on the dev split."
      : `Dev-split errors (${errors.length}; first ${Math.min(errorsShown, errors.length)}):\n\n` + errors.slice(0, errorsShown).map((e) => `- ${e}`).join("\n")
  ]
}

/** F1 by family and split, as a grouped bar chart. */
export const chartOf = (result: RunResult): Chart => {
  const byFamily = tallyBy(result.scores, (s) => `${s.split}/${s.family}`)
  const values = FAMILIES.flatMap((family) =>
    SPLITS.flatMap((split) => {
      const t = byFamily.get(`${split}/${family}`)
      return t === undefined ? [] : [{ family, split, f1: rates(t).f1 }]
    })
  )
  return {
    name: `extraction-f1-${result.system}`,
    title: `Extraction F1 by family (${result.system})`,
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      data: { values },
      mark: "bar",
      encoding: {
        x: { field: "family", type: "nominal", sort: [...FAMILIES] },
        xOffset: { field: "split" },
        y: { field: "f1", type: "quantitative", title: "F1", scale: { domain: [0, 1] } },
        color: { field: "split", type: "nominal" }
      }
    }
  }
}

/** The suite over given systems and cases (tests pass their own). */
export const makeSuite = (make: { readonly systems?: () => ReadonlyArray<System>; readonly cases?: () => ReadonlyArray<Case> } = {}): Suite => ({
  name: SUITE,
  description: "LLM-free extraction of facts from conversational English: precision/recall/F1 by family on a hand-labelled set (dev/test), date accuracy, sentences/s",
  run: async (options: SuiteOptions): Promise<SuiteResult> => {
    const cases = (make.cases ?? load)()
    const systems = (make.systems ?? (() => [rules()]))()
    const rows: Array<Row> = []
    const notes: Array<string> = []
    const charts: Array<Chart> = []
    for (const [i, system] of systems.entries()) {
      options.progress(`extraction: ${system.name}`, i, systems.length)
      const result = run(system, cases)
      rows.push(...rowsOf(result))
      notes.push(...notesOf(result))
      charts.push(chartOf(result))
    }
    options.progress("extraction: done", systems.length, systems.length)
    return { rows, charts, notes }
  }
})

export const suite: Suite = makeSuite()
