/**
 * The multiple-choice QA suite (issue 4, deliverable 2; MISSION feature 21): the seeds'
 * 100 questions with a 2K-token context window, over a seeded world of made-up facts told over
 * time and partly corrected (`World.ts`). Systems (`Systems.ts`): base (2K window), static RAG
 * (dense top-k, same embedder), MAGS (engram + reconcile + recall), and two extra rows for
 * honesty: lexical RAG (BM25) and MAGS fed the generator's structured facts. Without a model
 * the options are scored by the rule of `Scoring.ts`; `Model.ts` answers with a model instead.
 *
 * @since 0.1.0
 */
import type { Chart, Suite, SuiteOptions, SuiteResult } from "../../Suite.ts"
import * as Controller from "../../../core/Controller.ts"
import * as Policies from "../../policies/Policies.ts"
import { accuracyChart, defaultEmbedder, type MakeOptions as Make, mean, pct, runWorlds, sd, tally } from "./Harness.ts"
import { points, type Summary } from "./Metrics.ts"
import { run, type RunResult } from "./Run.ts"
import { defaultConfig, type Question, quickConfig } from "./World.ts"

/** Worlds per full run (seeds `seed … seed + WORLDS − 1`); quick runs use one small world. */
export const WORLDS = 5

/** Options of {@link makeSuite}: the embedder and answerer (`Harness.MakeOptions`). */
export type MakeOptions = Make<Question>

/** The suite over a chosen embedder / answerer (tests pass the hash embedder). */
export const makeSuite = (make: MakeOptions = {}): Suite => ({
  name: "mcq",
  description: "Multiple-choice QA over made-up facts told over time and corrected (100 questions, 2K context): base vs static RAG vs MAGS",
  run: async (options: SuiteOptions): Promise<SuiteResult> => {
    const { embedder, note } = await (make.embedder ?? defaultEmbedder)()
    const config = options.quick ? quickConfig : defaultConfig
    const seeds = options.quick ? [options.seed] : Array.from({ length: WORLDS }, (_, i) => options.seed + i)
    // the committed GRPO-trained controller (eval/policies/mcq.json) as the system mags-learned
    const policy = Policies.load(Policies.fileOf("mcq"))
    const learned = "error" in policy ? undefined : Controller.decider(policy.controller)
    const runs = await runWorlds("mcq", seeds, options.progress, (seed) =>
      run({ seed, config, embedder, ...(make.answerer ? { answerer: make.answerer } : {}), ...(learned === undefined ? {} : { learned }), progress: options.progress }))

    const { systems, per, acc, g, rows, row, summaryRows } = tally<Summary, RunResult>("mcq", runs, (x) => x.accuracy)
    summaryRows([
      ["accuracy_corrected", (x) => x.accuracyCorrected],
      ["accuracy_uncorrected", (x) => x.accuracyUncorrected],
      ["guess_rate", (x) => x.guessRate],
      ["outdated_rate", (x) => x.outdatedRate],
      ["context_tokens", (x) => x.meanTokens]
    ])
    row("mags", "gain_over_base_points", points(acc("mags"), acc("base")))
    row("mags", "gain_over_rag_points", points(acc("mags"), acc("rag")))
    row("mags", "gain_over_rag_bm25_points", points(acc("mags"), acc("rag-bm25")))
    row("mags", "gain_over_no_episodes_points", points(acc("mags"), acc("mags-no-episodes")))
    row("mags", "nodes", g((r) => r.graph.nodes))
    row("mags", "edges", g((r) => r.graph.edges))
    row("mags", "semantic_nodes", g((r) => r.graph.semanticNodes))
    row("mags", "episode_nodes", g((r) => r.graph.episodeNodes))
    row("mags", "fact_edges", g((r) => r.graph.factEdges))
    row("mags", "superseded", g((r) => r.graph.superseded))
    const factStatements = (r: RunResult) => r.world.statements.filter((s) => s.kind !== "filler").length
    row("mags", "extraction_coverage", g((r) => (r.graph.extracted.fact + r.graph.extracted.correction) / factStatements(r)))
    if (learned !== undefined) {
      row("mags-learned", "nodes", g((r) => r.learnedGraph!.nodes))
      row("mags-learned", "edges", g((r) => r.learnedGraph!.edges))
    }
    row("mags", "corrections_held", g((r) => r.graph.correctionsHeld / r.world.questions.filter((q) => q.corrected).length))

    const subsets: Array<readonly [string, (x: Summary) => number]> = [
      ["all", (x) => x.accuracy], ["corrected", (x) => x.accuracyCorrected], ["never corrected", (x) => x.accuracyUncorrected]
    ]
    const charts: Array<Chart> = [
      accuracyChart("mcq-accuracy", "MCQ accuracy by system (mean over worlds)", systems, subsets, per),
      {
        name: "mcq-tokens",
        title: "Context tokens per question (mean; budget 2,048)",
        spec: {
          $schema: "https://vega.github.io/schema/vega-lite/v5.json",
          width: 360, height: 200,
          data: { values: systems.map((s) => ({ system: s, tokens: mean(per(s, (x) => x.meanTokens)) })) },
          mark: "bar",
          encoding: {
            x: { field: "system", type: "nominal", sort: systems },
            y: { field: "tokens", type: "quantitative", title: "estimated tokens" }
          }
        }
      }
    ]

    const r0 = runs[0]!
    const table = [
      "| system | accuracy | ± sd | corrected | never corrected | guesses | outdated answers | context tokens |",
      "|---|---|---|---|---|---|---|---|",
      ...systems.map((s) =>
        `| ${s} | ${pct(acc(s))} | ${(100 * sd(per(s, (x) => x.accuracy))).toFixed(1)} | ${pct(mean(per(s, (x) => x.accuracyCorrected)))} | ` +
        `${pct(mean(per(s, (x) => x.accuracyUncorrected)))} | ${pct(mean(per(s, (x) => x.guessRate)))} | ` +
        `${pct(mean(per(s, (x) => x.outdatedRate)))} | ${mean(per(s, (x) => x.meanTokens)).toFixed(0)} |`)
    ].join("\n")
    const gb = points(acc("mags"), acc("base"))
    const gr = points(acc("mags"), acc("rag"))
    const gl = points(acc("mags"), acc("rag-bm25"))
    const notes = [
      `${seeds.length} world(s) (seeds ${seeds.join(", ")}), each ${config.questions} questions (${config.corrections} on corrected slots), ` +
        `${config.entities} made-up entities × ${config.relations} made-up relations, ${config.values} made-up values; ` +
        `history ≈ ${g((r) => r.world.statements.length).toFixed(0)} statements ≈ ${g((r) => r.historyTokens).toFixed(0)} estimated tokens ` +
        `(⌈chars/4⌉), so a 2,048-token window holds about ${pct(2048 / g((r) => r.historyTokens))} of it. Embedder: \`${embedder.id}\`` +
        ` (${pct(g((r) => r.vocabularyKnown))} of the world's made-up words have a vector of their own). ` +
        (make.answerer ? "Answers: the given model answerer." : "Answers: the model-free rule of `eval/suites/mcq/Scoring.ts` (strongest evidence, recency breaks ties, ties and no evidence = seeded guess)."),
      table,
      `Goals: MAGS ≥ base + 34 points (issue 4) — measured ${gb >= 0 ? "+" : ""}${gb.toFixed(1)} (${gb >= 34 ? "met" : `missed by ${(34 - gb).toFixed(1)}`}); ` +
        `MAGS ≥ the strongest baseline, lexical RAG (issue 8) — measured ${gl >= 0 ? "+" : ""}${gl.toFixed(1)} (${gl >= 0 ? "met" : `missed by ${(-gl).toFixed(1)}`}). ` +
        `Against the dense static RAG (issue 4's +17, retired: GloVe knows few of the made-up words): ${gr >= 0 ? "+" : ""}${gr.toFixed(1)}. ` +
        `With the episodes left out of its context (mags-no-episodes: the graph's facts alone) MAGS reaches ${pct(acc("mags-no-episodes"))}. ` +
        `The seeds reported 83% total for MAGS; here ${pct(acc("mags"))}.`,
      `Read with care. (1) The dense static RAG embeds with GloVe, which has no vector for made-up words: the question's embedding ` +
        `comes from its ordinary words only (\"What is X's Y?\" usually has none outside the stop list, and then every chunk scores 0 and the top-k is simply the k most recent statements); that is a property of the embedder, not of RAG. ` +
        `The lexical RAG (rag-bm25, same k and budget) matches the made-up names exactly and, with the same recency tie-break, ` +
        `reaches ${pct(acc("rag-bm25"))} — MAGS is ${points(acc("mags"), acc("rag-bm25")).toFixed(1)} points from it. ` +
        `(2) MAGS reads triples with the LLM-free rule extractor; it read ${pct(g((r) => (r.graph.extracted.fact + r.graph.extracted.correction) / factStatements(r)))} ` +
        `of the fact/correction statements (two of the eight templates, "Note that …" and "Update: …", are outside its grammar). ` +
        `Fed the generator's structured facts instead (mags-structured, same episodes), MAGS reaches ${pct(acc("mags-structured"))}: ` +
        `the gap is the extractor's coverage. (3) The scoring rule's recency tie-break gives the text systems a reconciliation of their own ` +
        `when both statements are in context; MAGS's reconcile kept the latest value for ${pct(g((r) => r.graph.correctionsHeld / r.world.questions.filter((q) => q.corrected).length))} of corrected slots.`,
      `MAGS graph after the ${config.questions} questions (mean over worlds): ${g((r) => r.graph.nodes).toFixed(0)} nodes ` +
        `(${g((r) => r.graph.semanticNodes).toFixed(0)} semantic, ${g((r) => r.graph.episodeNodes).toFixed(0)} episodes: one per statement) and ` +
        `${g((r) => r.graph.edges).toFixed(0)} edges (${g((r) => r.graph.factEdges).toFixed(0)} facts, ${g((r) => r.graph.superseded).toFixed(0)} superseded by reconcile); ` +
        `the seeds reported ~119 nodes / 491 edges (their graph's contents are not documented, so the figures are not directly comparable). ` +
        `First world: ${r0.graph.nodes} nodes / ${r0.graph.edges} edges.`,
      "error" in policy
        ? `mags-learned: the committed policy eval/policies/mcq.json could not be used (${policy.error}).`
        : `mags-learned (issue 11): the mags memory with its recall depth and housekeeping per question decided by the GRPO-trained controller ` +
          `(eval/policies/mcq.json, \`${String(policy.trained["command"] ?? "npm run train -- --suite mcq")}\`; trained on worlds 1000–1039, so these worlds are held out): ` +
          `${pct(acc("mags-learned"))} vs ${pct(acc("mags"))} under the hand-written controller, with ${g((r) => r.learnedGraph!.nodes).toFixed(0)} nodes / ` +
          `${g((r) => r.learnedGraph!.edges).toFixed(0)} edges vs ${g((r) => r.graph.nodes).toFixed(0)} / ${g((r) => r.graph.edges).toFixed(0)}.`,
      ...(note === undefined ? [] : [note])
    ]
    return { rows, charts, notes }
  }
})

/** The suite the runner imports (GloVe embedder, rule answers). */
export const suite: Suite = makeSuite()
