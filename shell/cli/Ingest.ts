/**
 * Ingest — items (sentences, chat messages, triples) → events committed to a memory.
 *
 * Each item becomes one **Engrammed** event, followed by one **Reconciled** event for the fact
 * edges it added or re-asserted (so a later "Mira lives in Vell" supersedes an earlier "Mira
 * lives in Lumen", the old fact kept as history):
 * The sentences and messages of one file are read in order by one `Extractor.discourse()` reader
 * (pronouns resolve across them), each with its speaker and time (a message's `time`, else the
 * ingest clock) as the turn's context.
 *
 * - a sentence: its triples from the `Extractor` (source `ingest:<file>`), an episode (id
 *   `ingest-<start>-<n>`, the sentence as text, its embedding), and every subject / object
 *   label with its embedding;
 * - a message: the same, from its content, with the role as the facts' source and
 *   `<Role>: <content>` as the episode's text;
 * - a triple: the fact and its two labels with embeddings, no episode.
 *
 * The episodes of one file are one conversation: each `follows` the episode read just before it
 * from the same file (`EngramInput.episode.follows`), so engram links it to that one by a
 * sequence edge (`Fact.sequenceId(later, earlier)`) and recall's context step brings a found
 * turn's neighbours. Triples between them neither break nor join the sequence; the first episode
 * of a file follows nothing (files are separate conversations, even within one run).
 *
 * Ingested knowledge goes to the **long-term** tier (working memory is the chat's context).
 *
 * `now` comes from effect's `Clock`, made strictly increasing within a run (`max(clock, last +
 * 1)`), so the order of the text is the order of learning and reconciliation picks the later
 * statement. Embeddings come from the `Embedder` in one `embedMany` per batch; an all-zero vector
 * (no known word) is left out, as the loop does.
 *
 * Items are committed in batches ({@link DEFAULT_BATCH} items, one transaction each): the events
 * are folded locally first (`Replay.apply`, pure) to learn the fact ids for `Reconciled`, then
 * `memory.commit` writes them all or nothing. Input is decoded before this runs (`Input.ts`), so
 * bad input never writes; an embedder failure stops at a batch boundary, earlier batches kept.
 *
 * @since 0.1.0
 */
import { Clock, Effect, Ref, Result } from "effect"
import type { AiError } from "effect/ai"
import type * as Changes from "../../core/Changes.ts"
import type { EngramEntity, EngramFact, EngramInput } from "../../core/Engram.ts"
import * as Event from "../../core/Event.ts"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import * as Replay from "../../core/Replay.ts"
import { Embedder } from "../embeddings/Embedder.ts"
import { type Discourse, type ExtractError, Extractor } from "../extract/Extractor.ts"
import { toEngramFact } from "../extract/Triple.ts"
import type { Memory } from "../store/MemoryStore.ts"
import { type CliFailure, fail, fromAiError, fromStoreError } from "./Errors.ts"
import type { Item } from "./Input.ts"

/** Items per committed batch. */
export const DEFAULT_BATCH = 32

/** What an ingest did. */
export interface Summary {
  readonly items: number
  /** Facts given to engram (extracted or read). */
  readonly facts: number
  readonly events: number
  /** Facts superseded by reconciliation during the run. */
  readonly superseded: number
  readonly state: Replay.State
}

/** Options of {@link ingest}. */
export interface Options {
  readonly batch?: number
  /** Called after each committed batch with the number of items done. */
  readonly onProgress?: (done: number) => Effect.Effect<void>
}

const nonZero = (v: Float32Array | undefined): Array<number> | undefined => {
  if (v === undefined) return undefined
  const out = Array.from(v)
  return out.some((x) => x !== 0) ? out : undefined
}

const factIds = (g: LiquidGraph.LiquidGraph, c: Changes.Changes): Array<string> => {
  const out = new Set<string>()
  for (const id of [...c.edgesAdded, ...c.edgesStrengthened]) if (LiquidGraph.edge(g, id)?.kind === "fact") out.add(id)
  return [...out]
}

const capitalise = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1)

const baseName = (file: string): string => {
  const slash = Math.max(file.lastIndexOf("/"), file.lastIndexOf("\\"))
  return slash < 0 ? file : file.slice(slash + 1)
}

/**
 * Ingests `items` into `memory` (see the module header).
 * Laws: every event is committed through `memory.commit`; `Replay.replay(journal)` rebuilds the
 * memory with no extractor and no embedder.
 * @complexity O(items) extractions and embeddings + the engram/reconcile transitions
 */
export const ingest = Effect.fnUntraced(function*(
  memory: Memory,
  items: ReadonlyArray<Item>,
  options: Options = {}
): Effect.fn.Return<Summary, CliFailure, Embedder | Extractor> {
  const embedder = yield* Embedder
  const extractor = yield* Extractor
  const batchSize = Math.max(1, options.batch ?? DEFAULT_BATCH)
  const start = yield* Clock.currentTimeMillis
  const lastNow = yield* Ref.make(start - 1)
  const nextNow = Effect.flatMap(Clock.currentTimeMillis, (t) => Ref.updateAndGet(lastNow, (last) => Math.max(t, last + 1)))
  const embedError = Effect.mapError((e: AiError.AiError) => fromAiError(e, "embeddings"))
  const extractError = Effect.mapError((e: ExtractError) => fail("BadInput", `extraction failed: ${e.message}`))

  let reader: { readonly file: string; readonly discourse: Discourse } | undefined
  // the last episode of the file being read: the next episode of the same file follows it
  let previous: { readonly file: string; readonly id: string } | undefined
  let state = yield* memory.state
  let facts = 0
  let events = 0
  let superseded = 0
  for (let from = 0; from < items.length; from += batchSize) {
    const batch = items.slice(from, from + batchSize)
    // 1. the facts of each item, each file read in order by one discourse reader
    const perItem: Array<ReadonlyArray<EngramFact>> = []
    for (const item of batch) {
      if (item._tag === "Triple") perItem.push([item.fact])
      else {
        if (reader === undefined || reader.file !== item.file) reader = { file: item.file, discourse: yield* extractor.discourse() }
        const text = item._tag === "Sentence" ? item.text : item.content
        const source = item._tag === "Sentence" ? `ingest:${baseName(item.file)}` : item.role
        const time = item._tag === "Message" && item.time !== null ? item.time : yield* Clock.currentTimeMillis
        const triples = yield* extractError(reader.discourse.read(text, { speaker: item.speaker, time }))
        perItem.push(triples.map((t) => toEngramFact(t, source)))
      }
    }
    // 2. one embedMany for the episode texts and the labels of the batch
    const labels = [...new Set(perItem.flatMap((fs) => fs.flatMap((f) => [f.subject, f.object])))]
    const episodes = batch.map((item) => (item._tag === "Sentence" ? item.text : item._tag === "Message" ? item.content : undefined))
    const texts = [...episodes.filter((t): t is string => t !== undefined), ...labels]
    const vectors = texts.length === 0 ? [] : yield* embedError(embedder.embedMany(texts))
    const vectorOf = new Map<string, Array<number> | undefined>()
    texts.forEach((t, i) => vectorOf.set(t, nonZero(vectors[i])))
    // 3. events, folded locally to learn the fact ids
    const out: Array<Event.Event> = []
    let local = state
    const push = (event: Event.Event) => {
      const step = Replay.apply(local, event)
      if (Result.isFailure(step)) return Result.fail(fail("Store", `${event._tag} rejected: ${step.failure.message}`))
      local = step.success.state
      out.push(event)
      superseded += step.success.changes.superseded.length
      return Result.succeed(step.success.changes)
    }
    for (let i = 0; i < batch.length; i++) {
      const item = batch[i]!
      const itemFacts = perItem[i]!
      const now = yield* nextNow
      const entities: Array<EngramEntity> = [...new Set(itemFacts.flatMap((f) => [f.subject, f.object]))].map((label) => {
        const embedding = vectorOf.get(label)
        return embedding === undefined ? { label } : { label, embedding }
      })
      const text = episodes[i]
      const embedding = text === undefined ? undefined : vectorOf.get(text)
      const episodeId = `ingest-${start}-${from + i}`
      const follows = item._tag !== "Triple" && previous !== undefined && previous.file === item.file ? previous.id : undefined
      const input: EngramInput = {
        ...(text === undefined ? {} : {
          episode: {
            id: episodeId,
            text: item._tag === "Message" ? `${item.speaker ?? capitalise(item.role)}: ${text}` : text,
            time: item._tag === "Message" ? item.time : null,
            ...(embedding === undefined ? {} : { embedding }),
            ...(follows === undefined ? {} : { follows })
          }
        }),
        ...(entities.length === 0 ? {} : { entities }),
        facts: itemFacts,
        tier: "long-term"
      }
      if (itemFacts.length === 0 && text === undefined) continue
      const changes = push(new Event.Engrammed({ now, input }))
      if (Result.isFailure(changes)) return yield* changes.failure
      if (item._tag !== "Triple") previous = { file: item.file, id: episodeId }
      facts += itemFacts.length
      const ids = factIds(local.graph, changes.success)
      if (ids.length > 0) {
        const reconciled = push(new Event.Reconciled({ now, input: { facts: ids } }))
        if (Result.isFailure(reconciled)) return yield* reconciled.failure
      }
    }
    // 4. one transaction per batch
    const committed = yield* memory.commit(out).pipe(Effect.mapError(fromStoreError))
    state = committed.state
    events += out.length
    if (options.onProgress !== undefined) yield* options.onProgress(Math.min(items.length, from + batch.length))
  }
  return { items: items.length, facts, events, superseded, state }
})
