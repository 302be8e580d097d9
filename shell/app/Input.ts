/**
 * Input — what `mags ingest` reads: files decoded into items, all before anything is written.
 *
 * Formats (chosen by `--format`, or by the extension when `auto`: `.jsonl` / `.ndjson` are JSONL,
 * anything else is text):
 * - **text**: UTF-8 prose, split into sentences (`Router.sentences`: `.`, `?`, `!`, their CJK
 *   forms or a line break end a sentence; abbreviations such as "Dr." do not) → one
 *   {@link Sentence} each. The narrator ("I", "my") is `--speaker NAME` when given;
 * - **JSONL**: one JSON object per line, blank lines skipped; each line is either
 *   - a chat message `{"role": "user", "content": "…", "name"?: "Kim", "speaker"?: "Kim",
 *     "time"?: "2023-05-07" | 1683417600000}` → {@link Message}: `name` (or `speaker`, the same
 *     thing) is who said it — their "I" and "my"; a user message with neither is said by
 *     `--speaker` when given. `time` is the world time the message was said: it becomes the
 *     episode's time and anchors its relative dates ("last week", "yesterday"); or
 *   - a triple `{"subject", "relation", "object", "negated"?, "confidence"?, "validFrom"?,
 *     "validUntil"?}` → {@link TripleItem}.
 *
 * Dates (`time`, `validFrom`, `validUntil`) are ms since the epoch, or written ISO 8601 in UTC:
 * `"YYYY"`, `"YYYY-MM"`, `"YYYY-MM-DD"`, or a date-time `"YYYY-MM-DDTHH:MM[:SS[.sss]][Z|±HH:MM]"`
 * (no zone = UTC); or `null`. A date more than {@link WORLD_TIME_LIMIT_MS} (10,000 years) from
 * 1970 is refused: no memory is about such a time, and a JavaScript `Date` cannot even print
 * most of them.
 *
 * Refused with `BadInput` (exit 7), naming the file and line: a file that cannot be read, is over
 * `maxBytes`, is not valid UTF-8; a JSONL line that is not JSON or neither shape; a date that is
 * malformed or out of range; a sentence or message over the extractor's input limit (1 MiB) or
 * not well-formed Unicode.
 *
 * @since 0.1.0
 */
import { Effect, Result, Schema } from "effect"
import * as NodeFs from "node:fs/promises"
import * as NodePath from "node:path"
import type { EngramFact } from "../../core/Engram.ts"
import * as Fact from "../../core/Fact.ts"
import { checkInput, defaultMaxInputBytes } from "../extract/Extractor.ts"
import { parseIsoDate as parseDate } from "../extract/Dates.ts"
import { sentences } from "../loop/Router.ts"
import { type AppFailure, fail } from "./Failure.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/** A sentence of a text file. */
export interface Sentence {
  readonly _tag: "Sentence"
  readonly text: string
  /** The file it was read from (one discourse: pronouns resolve within it). */
  readonly file: string
  /** `file:line` of the sentence's start. */
  readonly origin: string
  /** Who wrote it ("I" is them): `--speaker`, or `null`. */
  readonly speaker: string | null
}

/** A chat message of a JSONL file. */
export interface Message {
  readonly _tag: "Message"
  readonly role: string
  readonly content: string
  /** The file it was read from (one conversation: pronouns resolve within it). */
  readonly file: string
  readonly origin: string
  /** Who said it (`name` or `speaker`, else `--speaker` for a user message), or `null`. */
  readonly speaker: string | null
  /** World time it was said (ms), or `null` when the line gives none. */
  readonly time: number | null
}

/** A triple of a JSONL file. */
export interface TripleItem {
  readonly _tag: "Triple"
  readonly fact: EngramFact
  readonly origin: string
}

/** One unit of ingestion. */
export type Item = Sentence | Message | TripleItem

/** How to read a file. */
export type Format = "auto" | "text" | "jsonl"

/** Options of {@link readAll}. */
export interface ReadOptions {
  readonly format: Format
  /** The narrator of text files and of user messages that name no speaker (`--speaker`). */
  readonly speaker?: string
  /** Largest file accepted, in bytes (default {@link DEFAULT_MAX_BYTES}). */
  readonly maxBytes?: number
}

/** Default largest file: 64 MiB. */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024

/**
 * The widest world time accepted from input, either side of 1970 (the core's limit,
 * `Fact.WORLD_TIME_LIMIT_MS`). Numeric dates beyond it are refused (see the module header).
 */
export const WORLD_TIME_LIMIT_MS = Fact.WORLD_TIME_LIMIT_MS

const WrittenDate = Schema.NullOr(Schema.Union([Schema.Finite, Schema.String]))

/** A JSONL chat message line. */
export const MessageLine = Schema.Struct({
  role: Schema.NonEmptyString,
  content: Schema.String,
  name: Schema.optionalKey(Schema.NullOr(Schema.String)),
  speaker: Schema.optionalKey(Schema.NullOr(Schema.String)),
  time: Schema.optionalKey(WrittenDate)
})

/** A JSONL triple line. */
export const TripleLine = Schema.Struct({
  subject: Schema.NonEmptyString,
  relation: Schema.NonEmptyString,
  object: Schema.NonEmptyString,
  negated: Schema.optionalKey(Schema.Boolean),
  confidence: Schema.optionalKey(Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1 }))),
  validFrom: Schema.optionalKey(WrittenDate),
  validUntil: Schema.optionalKey(WrittenDate)
})

const decodeMessage = Schema.decodeUnknownResult(MessageLine)
const decodeTriple = Schema.decodeUnknownResult(TripleLine)

// ── decoding ──────────────────────────────────────────────────────────────────

const utf8 = new TextDecoder("utf-8", { fatal: true })

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?$/

/**
 * A written ISO 8601 date or date-time (UTC unless it names a zone) as ms; `undefined` when it
 * is not one (or names a day or time that does not exist).
 * Laws: `parseWorldTime("2021") == Date.UTC(2021, 0, 1)`;
 * `parseWorldTime("2023-05-07T10:30Z") == Date.UTC(2023, 4, 7, 10, 30)`.
 * @complexity O(|written|)
 */
export const parseWorldTime = (written: string): number | undefined => {
  const day = parseDate(written)
  if (day !== undefined) return day
  const m = DATE_TIME.exec(written)
  if (m === null) return undefined
  const date = parseDate(m[1]!)
  const [h, min, sec] = [Number(m[2]), Number(m[3]), Number(m[4] ?? "0")]
  if (date === undefined || h > 23 || min > 59 || sec > 59) return undefined
  const ms = Number(((m[5] ?? "") + "000").slice(0, 3))
  const zone = m[6] === undefined || m[6] === "Z" ? 0 : (m[6][0] === "-" ? -1 : 1) * (Number(m[6].slice(1, 3)) * 60 + Number(m[6].slice(4)))
  return date + ((h * 60 + min - zone) * 60 + sec) * 1000 + ms
}

const toDate = (
  v: number | string | null | undefined,
  field: string,
  where: string
): Result.Result<number | null | undefined, AppFailure> => {
  if (v === undefined || v === null) return Result.succeed(v)
  const ms = typeof v === "number" ? v : parseWorldTime(v)
  if (ms === undefined) {
    return Result.fail(fail("BadInput", `${where}: ${field} "${v}" is not a date (ms, YYYY, YYYY-MM, YYYY-MM-DD or an ISO date-time)`))
  }
  if (Math.abs(ms) > WORLD_TIME_LIMIT_MS) {
    return Result.fail(fail("BadInput", `${where}: ${field} ${JSON.stringify(v)} is more than 10,000 years from 1970`))
  }
  return Result.succeed(ms)
}

const nameOf = (s: string | null | undefined): string | null => {
  const t = s?.trim() ?? ""
  return t === "" ? null : t
}

/**
 * The items of one JSONL text (`file` names it in errors and origins).
 * Laws: one item per non-blank line, in order; fails at the first bad line.
 * @complexity O(|text|)
 */
export const parseJsonl = (file: string, text: string, speaker: string | null = null): Result.Result<Array<Item>, AppFailure> => {
  const out: Array<Item> = []
  const lines = text.split("\n")
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line === "") continue
    const where = `${file}:${i + 1}`
    let json: unknown
    try {
      json = JSON.parse(line)
    } catch (e) {
      return Result.fail(fail("BadInput", `${where}: not JSON (${e instanceof Error ? e.message : String(e)})`))
    }
    const message = decodeMessage(json)
    if (Result.isSuccess(message)) {
      const m = message.success
      const time = toDate(m.time, "time", where)
      if (Result.isFailure(time)) return Result.fail(time.failure)
      const said = nameOf(m.name) ?? nameOf(m.speaker) ?? (m.role === "user" ? speaker : null)
      out.push({ _tag: "Message", role: m.role, content: m.content, file, origin: where, speaker: said, time: time.success ?? null })
      continue
    }
    const triple = decodeTriple(json)
    if (Result.isFailure(triple)) {
      return Result.fail(fail("BadInput", `${where}: neither a message {"role","content"} nor a triple {"subject","relation","object"}`))
    }
    const t = triple.success
    const from = toDate(t.validFrom, "validFrom", where)
    if (Result.isFailure(from)) return Result.fail(from.failure)
    const until = toDate(t.validUntil, "validUntil", where)
    if (Result.isFailure(until)) return Result.fail(until.failure)
    out.push({
      _tag: "Triple",
      origin: where,
      fact: {
        subject: t.subject,
        relation: t.relation,
        object: t.object,
        ...(t.negated === undefined ? {} : { negated: t.negated }),
        ...(t.confidence === undefined ? {} : { confidence: t.confidence }),
        ...(from.success === undefined ? {} : { validFrom: from.success }),
        ...(until.success === undefined ? {} : { validUntil: until.success }),
        source: `ingest:${NodePath.basename(file)}`
      }
    })
  }
  return Result.succeed(out)
}

/**
 * The sentences of a text, each with the line it starts on.
 * Laws: the sentences are `Router.sentences(text)`, in order.
 * @complexity O(|text|)
 */
export const parseText = (file: string, text: string, speaker: string | null = null): Array<Item> => {
  const out: Array<Item> = []
  let from = 0
  let line = 1
  for (const s of sentences(text)) {
    const at = text.indexOf(s, from)
    if (at >= 0) {
      for (let i = from; i < at; i++) if (text.charCodeAt(i) === 10) line++
      from = at
    }
    out.push({ _tag: "Sentence", text: s, file, origin: `${file}:${line}`, speaker })
    if (at >= 0) {
      // past the sentence, so the same sentence again on a later line is found there
      for (let i = at; i < at + s.length; i++) if (text.charCodeAt(i) === 10) line++
      from = at + s.length
    }
  }
  return out
}

/** The format of `file` under `format`. @complexity O(1) */
export const formatOf = (file: string, format: Format): "text" | "jsonl" =>
  format !== "auto" ? format : /\.(jsonl|ndjson)$/i.test(file) ? "jsonl" : "text"

/**
 * Reads and decodes one file.
 * @complexity O(file size)
 */
export const readFile = Effect.fnUntraced(function*(file: string, options: ReadOptions): Effect.fn.Return<Array<Item>, AppFailure> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
  const stat = yield* Effect.tryPromise({
    try: () => NodeFs.stat(file),
    catch: (e) => fail("BadInput", `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`)
  })
  if (!stat.isFile()) return yield* fail("BadInput", `cannot read ${file}: not a file`)
  if (stat.size > maxBytes) return yield* fail("BadInput", `${file} is ${stat.size} bytes, over the limit of ${maxBytes}`)
  const bytes = yield* Effect.tryPromise({
    try: () => NodeFs.readFile(file),
    catch: (e) => fail("BadInput", `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`)
  })
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    return yield* fail("BadInput", `${file} is not valid UTF-8`)
  }
  const speaker = nameOf(options.speaker)
  const items = formatOf(file, options.format) === "jsonl"
    ? parseJsonl(file, text, speaker)
    : Result.succeed(parseText(file, text, speaker))
  if (Result.isFailure(items)) return yield* items.failure
  for (const item of items.success) {
    const body = item._tag === "Sentence" ? item.text : item._tag === "Message" ? item.content : ""
    yield* checkInput(body, defaultMaxInputBytes).pipe(Effect.mapError((e) => fail("BadInput", `${item.origin}: ${e.message}`)))
  }
  return items.success
})

/**
 * Reads and decodes every file, in order; fails at the first bad one (nothing is written by
 * reading).
 * @complexity O(Σ file sizes)
 */
export const readAll = (files: ReadonlyArray<string>, options: ReadOptions): Effect.Effect<Array<Item>, AppFailure> =>
  Effect.map(Effect.forEach(files, (f) => readFile(f, options)), (lists) => lists.flat())
