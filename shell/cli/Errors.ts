/**
 * Errors — the `mags` CLI's one failure type and its exit codes.
 *
 * Every failure a command can meet is turned into a {@link CliFailure} of one {@link Kind}; the
 * entry point prints its message as ONE line on stderr (`mags: <message>`) and exits with the
 * kind's code. Codes are distinct per kind, so scripts can tell them apart:
 *
 * | code | kind            | when                                                             |
 * |-----:|-----------------|------------------------------------------------------------------|
 * | 0    | —               | success                                                          |
 * | 1    | `Unexpected`    | a defect (a bug): the message says so                            |
 * | 2    | `Usage`         | bad flags or arguments, inconsistent configuration               |
 * | 3    | `ModelMissing`  | the GGUF model file (`MAGS_MODEL`, a GGUF `MAGS_EMBEDDINGS`) does not exist |
 * | 4    | `Unreachable`   | the model / embeddings endpoint cannot be reached                |
 * | 5    | `BadApiKey`     | the endpoint refused the API key (HTTP 401 / 403)                |
 * | 6    | `CorruptJournal`| the memory's journal has a bad record, or `replay --verify` fails |
 * | 7    | `BadInput`      | an input file cannot be read or decoded (missing, invalid UTF-8, malformed JSONL, too large) |
 * | 8    | `ModelFailed`   | a model or embedder failed otherwise (bad GGUF, invalid response) |
 * | 9    | `Locked`        | another process holds the memory's database                      |
 * | 10   | `Store`         | the memory store failed (I/O, unknown memory, rejected event, a write on a read-only store) |
 * | 11   | `DataLost`      | `mags repair` salvaged the memory but events or branches were lost (the report lists them) |
 *
 * A corrupt store's message points to `mags repair` (which salvages the good prefix; see
 * `commands/repair.ts`).
 *
 * In each of these cases (but `DataLost`, which reports a repair) nothing is written to memory: inputs are read and decoded, and models
 * built, before the first commit, and every commit is atomic.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import type { AiError } from "effect/ai"
import type { GloveCacheError } from "../embeddings/GloveCache.ts"
import type { ModelLoadError } from "../model/Llama.ts"
import type { StoreError } from "../store/MemoryStore.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/** The kinds of failure, one exit code each (see the module table). */
export const Kind = Schema.Literals([
  "Unexpected", "Usage", "ModelMissing", "Unreachable", "BadApiKey", "CorruptJournal", "BadInput", "ModelFailed",
  "Locked", "Store", "DataLost"
])
export type Kind = typeof Kind.Type

/** The exit code of each kind. */
export const exitCodes: { readonly [K in Kind]: number } = {
  Unexpected: 1,
  Usage: 2,
  ModelMissing: 3,
  Unreachable: 4,
  BadApiKey: 5,
  CorruptJournal: 6,
  BadInput: 7,
  ModelFailed: 8,
  Locked: 9,
  Store: 10,
  DataLost: 11
}

/**
 * A failure of a `mags` command: its kind (→ exit code) and a one-line message.
 * @since 0.1.0
 */
export class CliFailure extends Schema.TaggedError<CliFailure>()("CliFailure", {
  kind: Kind,
  message: Schema.String
}) {
  /** The process exit code of this failure. */
  get exitCode(): number {
    return exitCodes[this.kind]
  }
}

/** A {@link CliFailure}; the message is folded to one line. @complexity O(|message|) */
export const fail = (kind: Kind, message: string): CliFailure =>
  new CliFailure({ kind, message: message.replace(/\s*\n\s*/g, " ").trim() })

// ── conversions ───────────────────────────────────────────────────────────────

/** The advice every corrupt-store message ends with. */
export const REPAIR_HINT = "run `mags repair` to salvage the good prefix into a new database (the damaged file is kept)"

/**
 * A store failure: "Corrupt" → `CorruptJournal` (with the position of the first bad record,
 * and {@link REPAIR_HINT}), "Locked" → `Locked`, else `Store`.
 * @complexity O(1)
 */
export const fromStoreError = (e: StoreError): CliFailure => {
  switch (e.reason) {
    case "Corrupt":
      return fail(
        "CorruptJournal",
        `corrupt journal${e.position === undefined ? "" : ` at record ${e.position}`}: ${e.message} (${REPAIR_HINT})`
      )
    case "Locked":
      return fail("Locked", `memory is locked: ${e.message} (another mags process is writing; try again)`)
    case "ReadOnly":
      return fail("Store", `memory store is read only: ${e.message}`)
    default:
      return fail("Store", `memory store (${e.reason}): ${e.message}`)
  }
}

/**
 * An `effect/ai` failure of a model or embedder: network → `Unreachable`, authentication →
 * `BadApiKey`, anything else → `ModelFailed`.
 * @complexity O(1)
 */
export const fromAiError = (e: AiError.AiError, what: string): CliFailure => {
  switch (e.reason._tag) {
    case "NetworkError":
      return fail("Unreachable", `${what} endpoint unreachable: ${e.reason.message}`)
    case "AuthenticationError":
      return fail("BadApiKey", `${what} endpoint refused the API key: ${e.reason.message}`)
    default:
      return fail("ModelFailed", `${what} failed: ${e.message}`)
  }
}

/** A local model that could not be loaded: a missing file → `ModelMissing`, else `ModelFailed`. @complexity O(1) */
export const fromModelLoadError = (e: ModelLoadError): CliFailure =>
  e.reason === "NotFound"
    ? fail("ModelMissing", `model file not found: ${e.model}`)
    : fail("ModelFailed", `cannot load model ${e.model}: ${e.message}`)

/** The GloVe embedder could not start. @complexity O(1) */
export const fromGloveError = (e: GloveCacheError): CliFailure =>
  fail("ModelFailed", `GloVe embeddings unavailable (${e.reason}, ${e.path}): ${e.message}`)
