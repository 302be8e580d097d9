/**
 * extract — throughput of the LLM-free rule extractor on conversational English.
 *
 * The text is the labelled extraction set's turns (`eval/suites/extraction/cases.jsonl`, read as
 * data): its conversations shuffled with a seeded PRNG and repeated until the corpus holds
 * 2,000 (`--quick`) or 5,000 sentences, each conversation read turn by turn by a fresh
 * discourse (`RuleExtractor.make().discourse()`) with its speaker and time, as ingest reads a
 * chat. Sentences are counted once, beforehand, by wink-nlp's own sentence splitter.
 *
 * Metrics (higher is better, ratio = value / baseline):
 * - `extract.sentences_per_s`: sentences read per second by the rule extractor (tokenising,
 *   tagging, the grammar, coreference, dates). Baseline: wink-nlp tokenisation alone over the
 *   same turns (`readDoc` + token values out, the extractor's own first step), so the ratio is
 *   the fraction of the tokeniser's speed the whole extractor keeps. The target is
 *   ≥ 10,000 sentences/s.
 * - `extract.tokenise_sentences_per_s`: the baseline's figure on its own line.
 * Each figure is the best of 2 (`--quick`) or 3 passes over the whole corpus, after one
 * warm-up pass. The graph sizes of the runner do not apply (no graph is involved).
 */
import { readFileSync } from "node:fs"
import winkNLP from "wink-nlp"
import model from "wink-eng-lite-web-model"
import * as RuleExtractor from "../shell/extract/RuleExtractor.ts"
import { Rng } from "./generate.ts"
import { type BenchOptions, higherIsBetter, type Metric, progress } from "./Metric.ts"
import { consume, now } from "./timing.ts"

/** Where the sentences come from. */
export const CASES_FILE = new URL("../eval/suites/extraction/cases.jsonl", import.meta.url)

/** One turn as fed to the extractor. */
export interface Turn {
  readonly text: string
  readonly speaker: string | null
  readonly time: number | null
}

/** A conversation: turns read by one discourse. */
export type Conversation = ReadonlyArray<Turn>

interface RawCase {
  readonly speaker?: string
  readonly time?: string
  readonly turns: ReadonlyArray<{ readonly text: string; readonly speaker?: string; readonly time?: string }>
}

const noon = (day: string | undefined): number | null => (day === undefined ? null : Date.parse(`${day}T12:00:00Z`))

/** The labelled set's conversations (turn speaker/time, else the case's). */
export const conversations = (text: string = readFileSync(CASES_FILE, "utf8")): Array<Conversation> =>
  text
    .split("\n")
    .filter((l) => l.trim().length > 0)
    .map((l) => {
      const c = JSON.parse(l) as RawCase
      return c.turns.map((t) => ({ text: t.text, speaker: t.speaker ?? c.speaker ?? null, time: noon(t.time ?? c.time) }))
    })

/**
 * The corpus: conversations drawn in a seeded shuffled order, reshuffled each round, until at
 * least `target` sentences (as counted by `sentences`).
 * @complexity O(target)
 */
export const corpus = (
  all: ReadonlyArray<Conversation>,
  sentences: (text: string) => number,
  target: number,
  seed = 7
): { readonly conversations: Array<Conversation>; readonly sentences: number } => {
  const counts = all.map((c) => c.reduce((a, t) => a + sentences(t.text), 0))
  if (counts.every((n) => n === 0)) throw new Error("the labelled set has no sentences")
  const rng = new Rng(seed)
  const out: Array<Conversation> = []
  let total = 0
  while (total < target) {
    const order = all.map((_, i) => i)
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1))
      ;[order[i], order[j]] = [order[j]!, order[i]!]
    }
    for (const i of order) {
      if (total >= target) break
      out.push(all[i]!)
      total += counts[i]!
    }
  }
  return { conversations: out, sentences: total }
}

/** Best (shortest) time in ms of `passes` runs of `f`, after one warm-up run. */
const best = (f: () => void, passes: number): number => {
  f()
  let min = Infinity
  for (let i = 0; i < passes; i++) {
    const t = now()
    f()
    min = Math.min(min, now() - t)
  }
  return min
}

export const run = async (opts: BenchOptions): Promise<Array<Metric>> => {
  const nlp = winkNLP(model)
  const its = nlp.its
  const countSentences = (text: string): number => nlp.readDoc(text).sentences().length()
  const target = opts.quick ? 2_000 : 5_000
  const { conversations: convs, sentences } = corpus(conversations(), countSentences, target)
  const passes = opts.quick ? 2 : 3
  progress(`extract: ${convs.length} conversations, ${sentences} sentences, best of ${passes}`)

  const extractor = RuleExtractor.make({})
  const extractMs = best(() => {
    let facts = 0
    for (const conv of convs) {
      const d = extractor.discourse()
      for (const t of conv) facts += d.read(t.text, { speaker: t.speaker, time: t.time }).length
    }
    consume(facts)
  }, passes)

  const tokeniseMs = best(() => {
    let tokens = 0
    for (const conv of convs) for (const t of conv) tokens += nlp.readDoc(t.text).tokens().out(its.value).length
    consume(tokens)
  }, passes)

  const perS = (ms: number): number => sentences / (ms / 1000)
  return [
    higherIsBetter("extract.sentences_per_s", perS(extractMs), "sentences/s", perS(tokeniseMs)),
    higherIsBetter("extract.tokenise_sentences_per_s", perS(tokeniseMs), "sentences/s")
  ]
}
