/**
 * Ingest — items (sentences, chat messages, triples) → events committed to a memory, read from
 * files as a stream and idempotent: a run that is cut short (a crash, Ctrl-C) or repeated adds
 * nothing twice.
 *
 * ## Reading (streaming)
 * {@link read} streams the items of files (the formats of `Input.ts`: text, JSONL messages or
 * triples) in chunks of {@link DEFAULT_CHUNK_BYTES} bytes (64 KiB): each chunk is decoded (UTF-8, fatal),
 * cut at its last line break (a line break always ends a sentence, so the sentences of the
 * pieces are those of the whole text), and the rest is carried to the next chunk. A text line
 * longer than {@link LONG_LINE} characters is cut after its last complete sentence instead; a
 * single sentence over the extractor's input limit, or a JSONL line over {@link JSONL_LINE_LIMIT}
 * characters, is refused (`BadInput`). Memory held by reading: one chunk, its items and the
 * carried partial line — never the file. Items and errors are those `Input.readFile` gives
 * (origins `file:line` included), without its whole-file size limit.
 *
 * ## Identity: what makes re-ingesting a no-op
 * Every item gets a content-derived id, {@link itemId}: a SHA-256 digest of its
 * {@link contentKey} — its kind, the base name of its file (the facts' source `ingest:<name>`
 * names files the same way), who said it, when, and its text or triple — and of its
 * **occurrence number**: the count of items with the same key read before it in this run, plus
 * one. A sentence repeated in a file is learned as often as it is written; the same text in two
 * files is two items; the same file read again (after a crash, or on purpose) gives the same ids
 * in the same order. Renaming a file makes its items new ones. Occurrences are counted in a map
 * of 52-bit digests: about 40 bytes per distinct item of the run, far below what learning the
 * item adds to the memory.
 *
 * An item is **skipped** (counted in {@link Summary.skipped}, nothing written) when memory
 * already has it:
 * - a sentence or message: its episode (`ep:<id>`) is in the graph, active or archived
 *   (`LiquidGraph.anyNode`), or was forgotten (`LiquidGraph.isForgotten`): a forgotten turn is
 *   NOT learned again by ingesting its file again — forgetting is the user's explicit wish;
 * - a triple (it has no episode): its id is written into its fact's source,
 *   `ingest:<file> [item <id>]`, which engram keeps in the fact's provenance; the triple is
 *   skipped when an edge of its fact (any version, active or archived) already has that
 *   provenance, or the edge was forgotten.
 * A skipped sentence or message is still read by the file's discourse reader (pronouns resolve
 * as in an uninterrupted run) and is still the `previous` episode of the next one, so the
 * `follows` chain of a resumed run links to the episodes the first run wrote.
 *
 * ## Events
 * Each new item becomes one **Engrammed** event, followed by one **Reconciled** event for the
 * fact edges it added or re-asserted (so a later "Mira lives in Vell" supersedes an earlier
 * "Mira lives in Lumen", the old fact kept as history). The sentences and messages of one file
 * are read in order by one `Extractor.discourse()` reader, each with its speaker and time (a
 * message's `time`, else the ingest clock) as the turn's context.
 *
 * - a sentence: its triples from the `Extractor` (source `ingest:<file>`), an episode (id
 *   {@link itemId}, the sentence as text, its embedding), and every subject / object label with
 *   its embedding;
 * - a message: the same, from its content, with the role as the facts' source and
 *   `<Role>: <content>` as the episode's text; a message with a `time` dates the facts it states
 *   that give no start of their own: they hold from when it was said ({@link datedBy}), so "I
 *   moved to Berlin" said in June 2023 ends "I live in Paris" said in 2020 in June 2023;
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
 * Items are committed in batches ({@link DEFAULT_BATCH} items, one transaction each) as they are
 * read: the events are folded locally first (`Replay.apply`, pure) to learn the fact ids for
 * `Reconciled`, then `memory.commit` writes them all or nothing. A failure (bad input met while
 * streaming, an embedder failure) stops at a batch boundary, earlier batches kept; running the
 * same ingest again then resumes where it stopped.
 *
 * @since 0.1.0
 */
import { Clock, Effect, Option, Ref, Result, Stream } from "effect"
import type { AiError } from "effect/ai"
import * as NodeCrypto from "node:crypto"
import * as NodeFs from "node:fs/promises"
import type * as Changes from "../../core/Changes.ts"
import type { EngramEntity, EngramFact, EngramInput } from "../../core/Engram.ts"
import * as Event from "../../core/Event.ts"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import * as Node from "../../core/Node.ts"
import * as Replay from "../../core/Replay.ts"
import { Embedder } from "../embeddings/Embedder.ts"
import { checkInput, defaultMaxInputBytes, type Discourse, type ExtractError, Extractor } from "../extract/Extractor.ts"
import { toEngramFact } from "../extract/Triple.ts"
import { sentences } from "../loop/Router.ts"
import type { Memory } from "../store/MemoryStore.ts"
import { type AppFailure, fail, fromAiError, fromStoreError } from "./Failure.ts"
import * as Input from "./Input.ts"
import type { Item } from "./Input.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/** Items per committed batch. */
export const DEFAULT_BATCH = 32

/**
 * Bytes read from a file at a time by {@link read}: 64 KiB (measured on a 50 MB text: peak RSS of
 * reading it all 257 MB at 64 KiB, 442 MB at 1 MiB — the larger chunk's items outlive the young
 * generation — for the same time).
 */
export const DEFAULT_CHUNK_BYTES = 64 * 1024

/**
 * Characters of one text line held before {@link read} cuts it after its last complete sentence
 * (a line break is where it cuts otherwise).
 */
export const LONG_LINE = 4 * 1024 * 1024

/**
 * The longest JSONL line {@link read} accepts, in characters: a message's content is at most the
 * extractor's limit (1 MiB of UTF-8), which JSON escapes can make up to 6 times longer.
 */
export const JSONL_LINE_LIMIT = 8 * defaultMaxInputBytes

/** What an ingest did. */
export interface Summary {
  /** Items read (learned or skipped). */
  readonly items: number
  /** Items skipped because memory already had them (or forgot them): see the module header. */
  readonly skipped: number
  /** Facts given to engram (extracted or read) for the items learned. */
  readonly facts: number
  readonly events: number
  /** Facts superseded by reconciliation during the run. */
  readonly superseded: number
  /** Ids of the fact edges the learned items wrote or re-asserted, in order (each once). */
  readonly factIds: ReadonlyArray<string>
  readonly state: Replay.State
}

/** Options of {@link ingest}. */
export interface Options {
  readonly batch?: number
  /** Called after each batch with the number of items done (learned or skipped). */
  readonly onProgress?: (done: number) => Effect.Effect<void>
}

/** Options of {@link read}. */
export interface ReadOptions {
  readonly format: Input.Format
  /** The narrator of text files and of user messages that name no speaker (`--speaker`). */
  readonly speaker?: string
  /** Bytes read at a time (default {@link DEFAULT_CHUNK_BYTES}). */
  readonly chunkBytes?: number
  /** Characters of a text line held before it is cut at a sentence (default {@link LONG_LINE}). */
  readonly longLine?: number
}

// ── identity ──────────────────────────────────────────────────────────────────

const baseName = (file: string): string => {
  const slash = Math.max(file.lastIndexOf("/"), file.lastIndexOf("\\"))
  return slash < 0 ? file : file.slice(slash + 1)
}

/**
 * The content an item's identity is derived from: its kind, the base name of its file, and its
 * fields (speaker, role, time, text; a triple's fact with its source, which names the file).
 * Laws: two items with equal keys differ at most in their origin (line) and their directory.
 * @complexity O(|item|)
 */
export const contentKey = (item: Item): string => {
  switch (item._tag) {
    case "Sentence":
      return JSON.stringify(["sentence", baseName(item.file), item.speaker, item.text])
    case "Message":
      return JSON.stringify(["message", baseName(item.file), item.role, item.speaker, item.time, item.content])
    case "Triple": {
      const f = item.fact
      return JSON.stringify([
        "triple", f.source ?? null, f.subject, f.relation, f.object, f.negated ?? false, f.confidence ?? null,
        f.validFrom ?? null, f.validUntil ?? null
      ])
    }
  }
}

const sha256 = (text: string): string => NodeCrypto.createHash("sha256").update(text).digest("hex")

/**
 * The id of the `occurrence`-th item (1-based) with content key `key`: `ingest-` and 24 hex
 * digits (96 bits) of SHA-256. The episode of a sentence or message is `ep:<itemId>`.
 * Laws: deterministic; distinct for distinct (key, occurrence) (up to a 2^-96 collision).
 * @complexity O(|key|)
 * @example
 * ```ts
 * itemId(contentKey(item), 1) // "ingest-3fa85f6457174562b3fc2c96"
 * ```
 */
export const itemId = (key: string, occurrence: number): string => "ingest-" + sha256(`${occurrence}\n${key}`).slice(0, 24)

/**
 * Counts occurrences of content keys within a run (see the module header), by 52-bit digests of
 * the keys (two keys whose digests collide, a 2^-52 chance a pair, share one count: their ids
 * stay distinct and the same on every run).
 * Laws: the n-th call with one key returns n (digest collisions aside).
 * @complexity O(|key|) per call; ~40 bytes per distinct key
 */
export const occurrences = (): (key: string) => number => {
  const seen = new Map<number, number>()
  return (key) => {
    const digest = Number.parseInt(sha256(key).slice(0, 13), 16)
    const n = (seen.get(digest) ?? 0) + 1
    seen.set(digest, n)
    return n
  }
}

/** The fact source of a triple item, carrying its id (see the module header). @complexity O(1) */
export const taggedSource = (source: string | undefined, id: string): string => `${source ?? "ingest"} [item ${id}]`

/**
 * Whether memory already has the triple whose engram touched the fact edges `touched`: an edge
 * of the same fact (its first id or any numbered version `#n`, active or archived) carries
 * `source` in its provenance, or one was forgotten.
 * @complexity O(versions · |provenance|) per touched edge
 */
const knownTriple = (g: LiquidGraph.LiquidGraph, touched: ReadonlyArray<string>, source: string): boolean => {
  const provenanceOf = (id: string): ReadonlyArray<string> | undefined =>
    LiquidGraph.edge(g, id)?.provenance ?? LiquidGraph.archivedEdge(g, id)?.edge.provenance
  const exists = (id: string): boolean => provenanceOf(id) !== undefined || LiquidGraph.isForgotten(g, id)
  for (const id of touched) {
    const hash = id.lastIndexOf("#")
    const base = hash > 0 && /^#\d+$/.test(id.slice(hash)) && exists(id.slice(0, hash)) ? id.slice(0, hash) : id
    for (let n = 1;; n++) {
      const version = n === 1 ? base : `${base}#${n}`
      if (LiquidGraph.isForgotten(g, version)) return true
      const provenance = provenanceOf(version)
      if (provenance === undefined) {
        if (n > 1) break
        continue
      }
      if (provenance.includes(source)) return true
    }
  }
  return false
}

// ── reading ───────────────────────────────────────────────────────────────────

/** Decodes one file's bytes, pushed in chunks, into items (pure apart from its own state). */
export interface Splitter {
  /** The items completed by `bytes` (a partial line or sentence is held for the next push). */
  readonly push: (bytes: Uint8Array) => Result.Result<Array<Item>, AppFailure>
  /** The items still held at the end of the file. */
  readonly end: () => Result.Result<Array<Item>, AppFailure>
}

const newlines = (text: string, from: number, to: number): number => {
  let n = 0
  for (let i = text.indexOf("\n", from); i >= 0 && i < to; i = text.indexOf("\n", i + 1)) n++
  return n
}

/**
 * A {@link Splitter} for `file` read as `format` (see "Reading" in the module header).
 * Laws: for any cut of a file's bytes into pushes, the concatenated items equal those of
 * `Input.readFile` on the whole file (text, speaker, file; origins name the line each item
 * starts on), and a file `Input.readFile` refuses is refused.
 * @complexity O(bytes pushed) time; memory: the held partial line
 */
export const splitter = (
  file: string,
  format: "text" | "jsonl",
  speaker: string | null,
  longLine: number = LONG_LINE
): Splitter => {
  const utf8 = new TextDecoder("utf-8", { fatal: true })
  let held = ""
  let line = 1 // the line `held` starts on
  const textItems = (text: string): Array<Item> => {
    const out: Array<Item> = []
    let from = 0
    for (const s of sentences(text)) {
      const at = text.indexOf(s, from)
      line += newlines(text, from, at)
      from = at + s.length
      out.push({ _tag: "Sentence", text: s, file, origin: `${file}:${line}`, speaker })
    }
    line += newlines(text, from, text.length)
    return out
  }
  // parseJsonl names a line `file:n`, n counted from the start of the text it is given: shift
  // the origins and the failure's `file:n:` prefix by the lines before this piece
  const where = new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:(\\d+)`)
  const shift = (text: string, by: number): string => text.replace(where, (_, n: string) => `${file}:${Number(n) + by}`)
  const jsonlItems = (text: string): Result.Result<Array<Item>, AppFailure> => {
    const by = line - 1
    line += newlines(text, 0, text.length)
    return Result.match(Input.parseJsonl(file, text, speaker), {
      onFailure: (e) => Result.fail(by === 0 ? e : fail(e.kind, shift(e.message, by))),
      onSuccess: (items) => Result.succeed(by === 0 ? items : items.map((item) => ({ ...item, origin: shift(item.origin, by) })))
    })
  }
  const take = (text: string, final: boolean): Result.Result<Array<Item>, AppFailure> => {
    const pending = held + text
    let cut = final ? pending.length : pending.lastIndexOf("\n") + 1
    if (cut === 0 && pending.length > longLine) {
      if (format === "jsonl") {
        if (pending.length > JSONL_LINE_LIMIT) {
          return Result.fail(fail("BadInput", `${file}:${line}: a line of more than ${JSONL_LINE_LIMIT} characters`))
        }
      } else {
        const ss = sentences(pending)
        if (ss.length >= 2) cut = pending.lastIndexOf(ss[ss.length - 1]!)
        else if (pending.length > defaultMaxInputBytes) {
          return Result.fail(fail("BadInput", `${file}:${line}: a sentence of more than ${defaultMaxInputBytes} bytes, over the input limit`))
        }
      }
    }
    held = pending.slice(cut)
    const complete = pending.slice(0, cut)
    if (complete.length === 0) return Result.succeed([])
    return format === "jsonl" ? jsonlItems(complete) : Result.succeed(textItems(complete))
  }
  const decoded = (decode: () => string): Result.Result<string, AppFailure> => {
    try {
      return Result.succeed(decode())
    } catch {
      return Result.fail(fail("BadInput", `${file} is not valid UTF-8`))
    }
  }
  return {
    push: (bytes) => Result.flatMap(decoded(() => utf8.decode(bytes, { stream: true })), (text) => take(text, false)),
    end: () => Result.flatMap(decoded(() => utf8.decode()), (text) => take(text, true))
  }
}

const cannotRead = (file: string) => (e: unknown): AppFailure =>
  fail("BadInput", `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`)

const checked = (item: Item): Effect.Effect<Item, AppFailure> => {
  const body = item._tag === "Sentence" ? item.text : item._tag === "Message" ? item.content : ""
  return checkInput(body, defaultMaxInputBytes).pipe(
    Effect.as(item),
    Effect.mapError((e) => fail("BadInput", `${item.origin}: ${e.message}`))
  )
}

/**
 * The items of one file, streamed (see "Reading" in the module header); the file is open while
 * the stream runs.
 * @complexity O(file size) time; memory O(chunk + longest line)
 */
export const readFile = (file: string, options: ReadOptions): Stream.Stream<Item, AppFailure> =>
  Stream.unwrap(Effect.gen(function*() {
    const handle = yield* Effect.acquireRelease(
      Effect.tryPromise({ try: () => NodeFs.open(file, "r"), catch: cannotRead(file) }),
      (h) => Effect.promise(() => h.close())
    )
    const stat = yield* Effect.tryPromise({ try: () => handle.stat(), catch: cannotRead(file) })
    if (!stat.isFile()) return yield* fail("BadInput", `cannot read ${file}: not a file`)
    const chunk = Math.max(1, options.chunkBytes ?? DEFAULT_CHUNK_BYTES)
    const speaker = options.speaker?.trim() ? options.speaker.trim() : null
    const split = splitter(file, Input.formatOf(file, options.format), speaker, options.longLine ?? LONG_LINE)
    const buffer = Buffer.allocUnsafe(chunk)
    const next = Effect.gen(function*() {
      const { bytesRead } = yield* Effect.tryPromise({ try: () => handle.read(buffer, 0, chunk, null), catch: cannotRead(file) })
      if (bytesRead === 0) return [yield* Effect.fromResult(split.end()), Option.none<void>()] as const
      return [yield* Effect.fromResult(split.push(buffer.subarray(0, bytesRead))), Option.some<void>(undefined)] as const
    })
    return Stream.paginate<void, Item, AppFailure>(undefined, () => next).pipe(Stream.mapEffect(checked))
  }))

/**
 * The items of `files`, in order, streamed; fails at the first bad input (after the items
 * before it).
 * Laws: `Stream.runCollect(read(files, o))` equals `Input.readAll(files, o)` (items; origins
 * name the line each item starts on).
 * @complexity O(Σ file sizes) time; memory O(chunk + longest line)
 */
export const read = (files: ReadonlyArray<string>, options: ReadOptions): Stream.Stream<Item, AppFailure> =>
  Stream.fromIterable(files).pipe(Stream.flatMap((f) => readFile(f, options)))

// ── ingesting ─────────────────────────────────────────────────────────────────

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

/** An item of a batch, with its id and whether memory already had it. */
interface Planned {
  readonly item: Item
  readonly id: string
  readonly facts: ReadonlyArray<EngramFact>
  /** Known before engram (episodes); triples are checked when folded. */
  readonly known: boolean
}

/**
 * A fact told in a message said at world time `said`: when the statement gives no start of its
 * own, it holds from when it was said (so a later message's change ends it then, not at the
 * ingest's clock time); a fact with its own start, or one whose end comes before `said`, is kept
 * as told.
 * @complexity O(1)
 */
export const datedBy = (fact: EngramFact, said: number | null): EngramFact =>
  said === null || (fact.validFrom !== undefined && fact.validFrom !== null) ||
    (fact.validUntil !== undefined && fact.validUntil !== null && fact.validUntil < said)
    ? fact
    : { ...fact, validFrom: said }

/**
 * Ingests `items` (a stream from {@link read}, or an array) into `memory` (see the module
 * header).
 * Laws: every event is committed through `memory.commit`; `Replay.replay(journal)` rebuilds the
 * memory with no extractor and no embedder; ingesting the same items again commits nothing
 * (every item is skipped); ingesting after a run stopped at any batch boundary gives the memory
 * an uninterrupted run gives (same nodes, edges and sequence links; times aside).
 * @complexity O(items) extractions + O(new items) embeddings and engram/reconcile transitions;
 * memory O(batch) besides the memory's state and the run's occurrence counts
 */
export const ingest = Effect.fnUntraced(function*(
  memory: Memory,
  items: Stream.Stream<Item, AppFailure> | ReadonlyArray<Item>,
  options: Options = {}
): Effect.fn.Return<Summary, AppFailure, Embedder | Extractor> {
  const embedder = yield* Embedder
  const extractor = yield* Extractor
  const batchSize = Math.max(1, options.batch ?? DEFAULT_BATCH)
  const start = yield* Clock.currentTimeMillis
  // times only move forward: after the clock, and after the journal's last event (an ingest run
  // in quick succession after another one, whose times ran ahead of the clock, must not learn
  // earlier than it: a resumed run then orders its items as an uninterrupted one)
  const initial = yield* memory.state
  const lastEvent = initial.seq === 0 ? [] : yield* memory.history(initial.seq - 1).pipe(Effect.mapError(fromStoreError))
  const lastNow = yield* Ref.make(Math.max(start - 1, lastEvent[0]?.event.now ?? -Infinity))
  const nextNow = Effect.flatMap(Clock.currentTimeMillis, (t) => Ref.updateAndGet(lastNow, (last) => Math.max(t, last + 1)))
  const embedError = Effect.mapError((e: AiError.AiError) => fromAiError(e, "embeddings"))
  const extractError = Effect.mapError((e: ExtractError) => fail("BadInput", `extraction failed: ${e.message}`))
  const occurrence = occurrences()

  let reader: { readonly file: string; readonly discourse: Discourse } | undefined
  // the last episode of the file being read: the next episode of the same file follows it
  let previous: { readonly file: string; readonly id: string } | undefined
  let state = initial
  let done = 0
  let skipped = 0
  let facts = 0
  let events = 0
  let superseded = 0
  const learned = new Set<string>()

  const runBatch = Effect.fnUntraced(function*(batch: ReadonlyArray<Item>) {
    // 1. ids, and the facts of each item: every sentence and message goes through the file's
    //    discourse reader, known or not, so that pronouns resolve as in an uninterrupted run
    const planned: Array<Planned> = []
    for (const item of batch) {
      const key = contentKey(item)
      const id = itemId(key, occurrence(key))
      if (item._tag === "Triple") {
        planned.push({ item, id, facts: [{ ...item.fact, source: taggedSource(item.fact.source, id) }], known: false })
        continue
      }
      if (reader === undefined || reader.file !== item.file) reader = { file: item.file, discourse: yield* extractor.discourse() }
      const text = item._tag === "Sentence" ? item.text : item.content
      const source = item._tag === "Sentence" ? `ingest:${baseName(item.file)}` : item.role
      const time = item._tag === "Message" && item.time !== null ? item.time : yield* Clock.currentTimeMillis
      const triples = yield* extractError(reader.discourse.read(text, { speaker: item.speaker, time }))
      const episode = Node.episodeId(id)
      const known = LiquidGraph.anyNode(state.graph, episode) !== undefined || LiquidGraph.isForgotten(state.graph, episode)
      const said = item._tag === "Message" ? item.time : null
      planned.push({ item, id, facts: triples.map((t) => datedBy(toEngramFact(t, source), said)), known })
    }
    // 2. one embedMany for the episode texts and the labels of the new items
    const fresh = planned.filter((p) => !p.known)
    const episodeText = (p: Planned): string | undefined =>
      p.item._tag === "Sentence" ? p.item.text : p.item._tag === "Message" ? p.item.content : undefined
    const labels = [...new Set(fresh.flatMap((p) => p.facts.flatMap((f) => [f.subject, f.object])))]
    const texts = [...fresh.map(episodeText).filter((t): t is string => t !== undefined), ...labels]
    const vectors = texts.length === 0 ? [] : yield* embedError(embedder.embedMany(texts))
    const vectorOf = new Map<string, Array<number> | undefined>()
    texts.forEach((t, i) => vectorOf.set(t, nonZero(vectors[i])))
    // 3. events, folded locally to learn the fact ids (and to find known triples)
    const out: Array<Event.Event> = []
    const outChanges: Array<Changes.Changes> = []
    let local = state
    let batchSuperseded = 0
    const apply = (event: Event.Event) => {
      const step = Replay.apply(local, event)
      return Result.isFailure(step) ? Result.fail(fail("Store", `${event._tag} rejected: ${step.failure.message}`)) : Result.succeed(step.success)
    }
    for (const p of planned) {
      const { item } = p
      const text = episodeText(p)
      if (p.known) {
        skipped++
        if (item._tag !== "Triple") previous = { file: item.file, id: p.id }
        continue
      }
      const now = yield* nextNow
      const entities: Array<EngramEntity> = [...new Set(p.facts.flatMap((f) => [f.subject, f.object]))].map((label) => {
        const embedding = vectorOf.get(label)
        return embedding === undefined ? { label } : { label, embedding }
      })
      const embedding = text === undefined ? undefined : vectorOf.get(text)
      const follows = item._tag !== "Triple" && previous !== undefined && previous.file === item.file ? previous.id : undefined
      const input: EngramInput = {
        ...(text === undefined ? {} : {
          episode: {
            id: p.id,
            text: item._tag === "Message" ? `${item.speaker ?? capitalise(item.role)}: ${text}` : text,
            time: item._tag === "Message" ? item.time : null,
            ...(embedding === undefined ? {} : { embedding }),
            ...(follows === undefined ? {} : { follows })
          }
        }),
        ...(entities.length === 0 ? {} : { entities }),
        facts: p.facts,
        tier: "long-term"
      }
      const engrammed = new Event.Engrammed({ now, input })
      const step = apply(engrammed)
      if (Result.isFailure(step)) return yield* step.failure
      const ids = factIds(step.success.state.graph, step.success.changes)
      if (item._tag === "Triple" && knownTriple(local.graph, ids, p.facts[0]!.source!)) {
        skipped++
        continue
      }
      local = step.success.state
      out.push(engrammed)
      outChanges.push(step.success.changes)
      batchSuperseded += step.success.changes.superseded.length
      if (item._tag !== "Triple") previous = { file: item.file, id: p.id }
      facts += p.facts.length
      for (const id of ids) learned.add(id)
      if (ids.length > 0) {
        const reconciled = new Event.Reconciled({ now, input: { facts: ids } })
        const rstep = apply(reconciled)
        if (Result.isFailure(rstep)) return yield* rstep.failure
        local = rstep.success.state
        out.push(reconciled)
        outChanges.push(rstep.success.changes)
        batchSuperseded += rstep.success.changes.superseded.length
      }
    }
    // 4. one transaction per batch
    if (out.length > 0) {
      // the batch is already folded: the store takes this fold instead of applying it again
      const committed = yield* memory.commit(out, { from: state, state: local, changes: outChanges }).pipe(Effect.mapError(fromStoreError))
      state = committed.state
    }
    events += out.length
    superseded += batchSuperseded
    done += batch.length
    if (options.onProgress !== undefined) yield* options.onProgress(done)
  })

  const stream = Stream.isStream(items) ? items : Stream.fromIterable(items)
  yield* stream.pipe(Stream.grouped(batchSize), Stream.runForEach(runBatch))
  return { items: done, skipped, facts, events, superseded, factIds: [...learned], state }
})
