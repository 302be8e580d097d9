/**
 * Input — what `mags ingest` reads: files decoded into items, all before anything is written.
 *
 * Formats (chosen by `--format`, or by the extension when `auto`: `.jsonl` / `.ndjson` are JSONL,
 * anything else is text):
 * - **text**: UTF-8 prose, split into sentences (`Router.sentences`: `.`, `?`, `!` or a line
 *   break end a sentence) → one {@link Sentence} each;
 * - **JSONL**: one JSON object per line, blank lines skipped; each line is either a chat
 *   message `{"role": "user", "content": "…"}` → {@link Message}, or a triple
 *   `{"subject", "relation", "object", "negated"?, "confidence"?, "validFrom"?, "validUntil"?}`
 *   → {@link TripleItem}. Dates are ms since the epoch or written `"YYYY"`, `"YYYY-MM"`,
 *   `"YYYY-MM-DD"` (UTC), or `null`.
 *
 * Refused with `BadInput` (exit 7), naming the file and line: a file that cannot be read, is over
 * `maxBytes`, is not valid UTF-8; a JSONL line that is not JSON or neither shape; a sentence or
 * message over the extractor's input limit (1 MiB) or not well-formed Unicode.
 *
 * @since 0.1.0
 */
import { Effect, Result, Schema } from "effect"
import * as NodeFs from "node:fs/promises"
import * as NodePath from "node:path"
import type { EngramFact } from "../../core/Engram.ts"
import { checkInput, defaultMaxInputBytes } from "../extract/Extractor.ts"
import { parseDate } from "../extract/LlmExtractor.ts"
import { sentences } from "../loop/Router.ts"
import { type CliFailure, fail } from "./Errors.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/** A sentence of a text file. */
export interface Sentence {
  readonly _tag: "Sentence"
  readonly text: string
  /** `file:line` of the sentence's start. */
  readonly origin: string
}

/** A chat message of a JSONL file. */
export interface Message {
  readonly _tag: "Message"
  readonly role: string
  readonly content: string
  readonly origin: string
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
  /** Largest file accepted, in bytes (default {@link DEFAULT_MAX_BYTES}). */
  readonly maxBytes?: number
}

/** Default largest file: 64 MiB. */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024

const WrittenDate = Schema.NullOr(Schema.Union([Schema.Finite, Schema.String]))

/** A JSONL chat message line. */
export const MessageLine = Schema.Struct({
  role: Schema.NonEmptyString,
  content: Schema.String
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

const toDate = (v: number | string | null | undefined, where: string): Result.Result<number | null | undefined, CliFailure> => {
  if (v === undefined || v === null || typeof v === "number") return Result.succeed(v)
  const ms = parseDate(v)
  return ms === undefined
    ? Result.fail(fail("BadInput", `${where}: date "${v}" is not YYYY, YYYY-MM or YYYY-MM-DD`))
    : Result.succeed(ms)
}

/**
 * The items of one JSONL text (`file` names it in errors and origins).
 * Laws: one item per non-blank line, in order; fails at the first bad line.
 * @complexity O(|text|)
 */
export const parseJsonl = (file: string, text: string): Result.Result<Array<Item>, CliFailure> => {
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
      out.push({ _tag: "Message", role: message.success.role, content: message.success.content, origin: where })
      continue
    }
    const triple = decodeTriple(json)
    if (Result.isFailure(triple)) {
      return Result.fail(fail("BadInput", `${where}: neither a message {"role","content"} nor a triple {"subject","relation","object"}`))
    }
    const t = triple.success
    const from = toDate(t.validFrom, where)
    if (Result.isFailure(from)) return Result.fail(from.failure)
    const until = toDate(t.validUntil, where)
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
export const parseText = (file: string, text: string): Array<Item> => {
  const out: Array<Item> = []
  let from = 0
  let line = 1
  for (const s of sentences(text)) {
    const at = text.indexOf(s, from)
    if (at >= 0) {
      for (let i = from; i < at; i++) if (text.charCodeAt(i) === 10) line++
      from = at
    }
    out.push({ _tag: "Sentence", text: s, origin: `${file}:${line}` })
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
export const readFile = Effect.fnUntraced(function*(file: string, options: ReadOptions): Effect.fn.Return<Array<Item>, CliFailure> {
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
  const items = formatOf(file, options.format) === "jsonl" ? parseJsonl(file, text) : Result.succeed(parseText(file, text))
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
export const readAll = (files: ReadonlyArray<string>, options: ReadOptions): Effect.Effect<Array<Item>, CliFailure> =>
  Effect.map(Effect.forEach(files, (f) => readFile(f, options)), (lists) => lists.flat())
