/**
 * Failure — the application's one failure type, shared by the CLI, the HTTP server and the MCP
 * server: a {@link Kind} and a one-line message.
 *
 * Each front end maps the kind to its own outcome: the CLI to an exit code (`shell/cli/Errors.ts`),
 * the HTTP API to a status, MCP to a tool error. The kinds:
 *
 * | kind            | when                                                             |
 * |-----------------|------------------------------------------------------------------|
 * | `Unexpected`    | a defect (a bug): the message says so                            |
 * | `Usage`         | bad flags, arguments or parameters, inconsistent configuration   |
 * | `ModelMissing`  | the GGUF model file (`MAGS_MODEL`, a GGUF `MAGS_EMBEDDINGS`) does not exist |
 * | `Unreachable`   | the model / embeddings endpoint cannot be reached                |
 * | `BadApiKey`     | the endpoint refused the API key (HTTP 401 / 403)                |
 * | `CorruptJournal`| the memory's journal has a bad record, or a verify fails         |
 * | `BadInput`      | an input cannot be read or decoded (missing, invalid UTF-8, malformed JSONL, too large) |
 * | `ModelFailed`   | a model or embedder failed otherwise (bad GGUF, invalid response) |
 * | `Locked`        | another process holds the memory's database                      |
 * | `Store`         | the memory store failed (I/O, rejected event, a write on a read-only store) |
 * | `DataLost`      | a repair salvaged the memory but events or branches were lost    |
 * | `NotFound`      | an unknown node, fact, memory or branch                          |
 * | `Forbidden`     | the caller may not touch that memory (another tenant's)          |
 *
 * A corrupt store's message points to `mags repair` (which salvages the good prefix).
 *
 * In each of these cases (but `DataLost`, which reports a repair) nothing is written to memory:
 * inputs are read and decoded, and models built, before the first commit, and every commit is
 * atomic.
 *
 * @since 0.3.0
 */
import { Schema } from "effect"
import type { AiError } from "effect/ai"
import type { GloveCacheError } from "../embeddings/GloveCache.ts"
import type { ModelLoadError } from "../model/Llama.ts"
import type { StoreError } from "../store/MemoryStore.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/** The kinds of failure (see the module table). */
export const Kind = Schema.Literals([
  "Unexpected", "Usage", "ModelMissing", "Unreachable", "BadApiKey", "CorruptJournal", "BadInput", "ModelFailed",
  "Locked", "Store", "DataLost", "NotFound", "Forbidden"
])
export type Kind = typeof Kind.Type

/**
 * A failure of an application operation: its kind and a one-line message.
 * @since 0.3.0
 */
export class AppFailure extends Schema.TaggedError<AppFailure>()("AppFailure", {
  kind: Kind,
  message: Schema.String
}) {}

/** A {@link AppFailure}; the message is folded to one line. @complexity O(|message|) */
export const fail = (kind: Kind, message: string): AppFailure =>
  new AppFailure({ kind, message: message.replace(/\s*\n\s*/g, " ").trim() })

// ── conversions ───────────────────────────────────────────────────────────────

/** The advice every corrupt-store message ends with. */
export const REPAIR_HINT = "run `mags repair` to salvage the good prefix into a new database (the damaged file is kept)"

/**
 * A store failure: "Corrupt" → `CorruptJournal` (with the position of the first bad record,
 * and {@link REPAIR_HINT}), "Locked" and "NotOwner" → `Locked`, "NotFound" → `NotFound`, else `Store`.
 * @complexity O(1)
 */
export const fromStoreError = (e: StoreError): AppFailure => {
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
    case "NotOwner":
      return fail("Locked", `${e.message} (the memory's owner in the cluster answers for it; try again or send it there)`)
    case "NotFound":
      return fail("NotFound", e.message)
    default:
      return fail("Store", `memory store (${e.reason}): ${e.message}`)
  }
}

/**
 * An `effect/ai` failure of a model or embedder: network → `Unreachable`, authentication →
 * `BadApiKey`, anything else → `ModelFailed`.
 * @complexity O(1)
 */
export const fromAiError = (e: AiError.AiError, what: string): AppFailure => {
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
export const fromModelLoadError = (e: ModelLoadError): AppFailure =>
  e.reason === "NotFound"
    ? fail("ModelMissing", e.message) // "model file not found: …", "LoRA adapter not found: …", "… is not a file: …"
    : fail("ModelFailed", `cannot load model ${e.model}: ${e.message}`)

/** The GloVe embedder could not start. @complexity O(1) */
export const fromGloveError = (e: GloveCacheError): AppFailure =>
  fail("ModelFailed", `GloVe embeddings unavailable (${e.reason}, ${e.path}): ${e.message}`)
