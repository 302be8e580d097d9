/**
 * Suites — records the chosen suites' histories once (async: data files, the GloVe table) and
 * hands the tuner each suite's train and validation replays (`Tuner.SuiteSplits`).
 *
 * | suite     | train                                  | validation                              |
 * |-----------|----------------------------------------|-----------------------------------------|
 * | locomo    | conversations 1–4 (`--quick`: 1)       | conversations 5–7 (`--quick`: 5)        |
 * | conflicts | cases of seed S (full / quick sizes)   | cases of seed S + 1000                  |
 * | games     | seeds S, S+1 (`--quick`: S; quick worlds) | seeds S+1000, S+1001, S+1002 (`--quick`: S+1000) |
 *
 * LoCoMo needs `../shared/data/locomo-dev.json` (or `--data`) and GloVe; without them it is
 * skipped with its reason and the other suites run. The conflicts suite embeds entity labels with
 * GloVe as the suite does, and runs on keys alone (said in its description) when GloVe cannot be
 * loaded.
 */
import { existsSync } from "node:fs"
import path from "node:path"
import { Effect } from "effect"
import * as GloveCache from "../../shell/embeddings/GloveCache.ts"
import { gloveEmbed } from "../suites/conflicts/suite.ts"
import * as Data from "../suites/locomo/Data.ts"
import type { SuiteName } from "./args.ts"
import * as Conflicts from "./Histories/Conflicts.ts"
import * as Games from "./Histories/Games.ts"
import * as Locomo from "./Histories/Locomo.ts"
import type { SuiteSplits } from "./Tuner.ts"

/** Where the recordings come from. */
export interface RecordOptions {
  readonly suites: ReadonlyArray<SuiteName>
  readonly seed: number
  readonly quick: boolean
  /** The LoCoMo data file (undefined: `<shared>/data/locomo-dev.json`). */
  readonly data: string | undefined
  /** `../shared` beside the repository, or undefined when absent. */
  readonly sharedDir: string | undefined
  readonly progress: (message: string) => void
  /** The GloVe table loader (default: the shell's cache, built once). */
  readonly glove?: () => Promise<GloveCache.GloveTable | undefined>
}

/** The recorded suites, and the ones skipped with their reasons. */
export interface Recorded {
  readonly suites: ReadonlyArray<SuiteSplits>
  readonly skipped: ReadonlyArray<{ readonly suite: SuiteName; readonly reason: string }>
  /** Seconds each suite's recording took. */
  readonly recordSeconds: Readonly<Record<string, number>>
}

/** Games: seeds a split. */
export const GAME_SEEDS = { full: { train: 2, validation: 3 }, quick: { train: 1, validation: 1 } } as const

const loadGlove = (): Promise<GloveCache.GloveTable | undefined> =>
  Effect.runPromise(
    GloveCache.loadOrBuild().pipe(
      Effect.map((r): GloveCache.GloveTable | undefined => r.table),
      Effect.catch(() => Effect.succeed(undefined))
    )
  )

/** Records every chosen suite (see the module doc). */
export const record = async (o: RecordOptions): Promise<Recorded> => {
  const suites: Array<SuiteSplits> = []
  const skipped: Array<{ suite: SuiteName; reason: string }> = []
  const recordSeconds: Record<string, number> = {}
  let glove: Promise<GloveCache.GloveTable | undefined> | undefined
  const table = () => (glove ??= (o.glove ?? loadGlove)())
  for (const name of o.suites) {
    const t0 = performance.now()
    if (name === "locomo") {
      const file = o.data ?? (o.sharedDir === undefined ? undefined : path.join(o.sharedDir, "data", "locomo-dev.json"))
      if (file === undefined || !existsSync(file)) {
        const reason = file === undefined
          ? "../shared is absent (LoCoMo needs ../shared/data/locomo-dev.json)"
          : `the LoCoMo data file ${file} does not exist`
        o.progress(`locomo skipped: ${reason}`)
        skipped.push({ suite: name, reason })
        continue
      }
      o.progress("locomo: loading the data and the GloVe table")
      const conversations = await Data.loadFile(file)
      const t = await table()
      if (t === undefined) {
        skipped.push({ suite: name, reason: "the GloVe table could not be loaded" })
        o.progress("locomo skipped: the GloVe table could not be loaded")
        continue
      }
      const split = Locomo.splits(o.quick)
      const missing = [...split.train, ...split.validation].filter((i) => i >= conversations.length)
      if (missing.length > 0) {
        const reason = `the data file holds ${conversations.length} conversations; the split needs ${Math.max(...split.validation) + 1}`
        skipped.push({ suite: name, reason })
        o.progress(`locomo skipped: ${reason}`)
        continue
      }
      o.progress("locomo: recording (extraction and embeddings, once)")
      const train = split.train.map((i) => Locomo.record(conversations[i]!, t))
      const validation = split.validation.map((i) => Locomo.record(conversations[i]!, t))
      const trainCache = new Locomo.IngestCache()
      const validationCache = new Locomo.IngestCache()
      const ids = (hs: ReadonlyArray<Locomo.History>) => hs.map((h) => h.sampleId).join(", ")
      const count = (hs: ReadonlyArray<Locomo.History>) => hs.reduce((a, h) => a + h.questions.length, 0)
      suites.push({
        name,
        train: (p) => Locomo.replay(train, p, trainCache),
        validation: (p) => Locomo.replay(validation, p, validationCache),
        description: `LoCoMo turns, recall@${Locomo.K} (categories 1–4): train conversations ${split.train.map((i) => i + 1).join(", ")} ` +
          `(${ids(train)}; ${count(train)} questions), validation ${split.validation.map((i) => i + 1).join(", ")} (${ids(validation)}; ${count(validation)} questions)`
      })
    } else if (name === "conflicts") {
      const t = await table()
      const embed = t === undefined ? undefined : gloveEmbed(t)
      const size = o.quick ? Conflicts.QUICK : Conflicts.FULL
      const seeds = Conflicts.seeds(o.seed)
      o.progress("conflicts: generating the cases and reading the natural-language ones (once)")
      const train = Conflicts.record(seeds.train, size, embed)
      const validation = Conflicts.record(seeds.validation, size, embed)
      suites.push({
        name,
        train: (p) => Conflicts.replay(train, p),
        validation: (p) => Conflicts.replay(validation, p),
        description: `conflict cases, 1 − strict accuracy: train seed ${seeds.train} (${train.cases.length} triple + ${train.natural.length} natural-language cases), ` +
          `validation seed ${seeds.validation} (${validation.cases.length} + ${validation.natural.length})` +
          (embed === undefined ? "; GloVe could not be loaded, labels matched by key only" : "; labels embedded with GloVe")
      })
    } else {
      const split = Games.splits(o.seed, o.quick ? GAME_SEEDS.quick : GAME_SEEDS.full, o.quick)
      suites.push({
        name,
        train: (p) => Games.replay(split.train, p),
        validation: (p) => Games.replay(split.validation, p),
        description: `games (nonsense, maze, kitchen; ${o.quick ? "quick" : "default"} worlds), mean 1 − score: ` +
          `train seeds ${split.train.seeds.join(", ")}, validation seeds ${split.validation.seeds.join(", ")}`
      })
    }
    recordSeconds[name] = (performance.now() - t0) / 1000
  }
  return { suites, skipped, recordSeconds }
}
