/**
 * Suite — the contract every evaluation suite implements, so that `npm run eval` can run them
 * all (or one) and write one report.
 *
 * A suite measures systems on a task and returns rows `{ suite, system, metric, value }` (the
 * machine-readable figures; `npm run eval -- <suite> --json` prints one per line), Vega-Lite
 * chart specs with their data inline (the runner renders them headless to SVG), and notes for
 * the Markdown report. A suite whose data is absent returns `skipped` with a clear reason and no
 * rows. Suites are deterministic for a given seed and data.
 */

/** One measured figure. */
export interface Row {
  readonly suite: string
  readonly system: string
  readonly metric: string
  readonly value: number
}

/** A chart: a Vega-Lite spec (v5/v6) with `data.values` inline. */
export interface Chart {
  readonly name: string
  readonly title: string
  readonly spec: Record<string, unknown>
}

/** What a suite returns. */
export interface SuiteResult {
  readonly rows: ReadonlyArray<Row>
  readonly charts: ReadonlyArray<Chart>
  /** Markdown paragraphs for the report: what was run, caveats, how to read the figures. */
  readonly notes: ReadonlyArray<string>
  /** Set when the suite could not run (e.g. its data is absent); then rows are empty. */
  readonly skipped?: string
}

/** Options the runner passes. */
export interface SuiteOptions {
  /** A data file given with `--data` (suites that read data use it instead of their default). */
  readonly data: string | undefined
  /** The shared folder (`../shared` beside the repository), or undefined when absent. */
  readonly sharedDir: string | undefined
  /** Smaller runs for tests and quick checks. */
  readonly quick: boolean
  readonly seed: number
  /** Progress lines for long runs (the runner writes them to stderr with rate/ETA if given). */
  readonly progress: (message: string, done?: number, total?: number) => void
}

/** An evaluation suite. */
export interface Suite {
  readonly name: string
  readonly description: string
  readonly run: (options: SuiteOptions) => Promise<SuiteResult>
}
