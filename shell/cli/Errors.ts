/**
 * Errors — the `mags` CLI's exit codes: each {@link AppFailure} kind (see `shell/app/Failure.ts`)
 * has its own code, so scripts can tell them apart. The entry point prints the failure's message
 * as ONE line on stderr (`mags: <message>`) and exits with its kind's code:
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
 * | 10   | `Store`         | the memory store failed (I/O, rejected event, a write on a read-only store) |
 * | 11   | `DataLost`      | `mags repair` salvaged the memory but events or branches were lost (the report lists them) |
 * | 12   | `NotFound`      | an unknown node, fact or branch (`connect`, `history`, `rollback`) |
 * | 13   | `Forbidden`     | a memory the caller may not touch (servers only)                 |
 *
 * An interruption (Ctrl-C) exits 130 (see `Cli.ts`).
 *
 * @since 0.1.0
 */
import type { AppFailure, Kind } from "../app/Failure.ts"

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
  DataLost: 11,
  NotFound: 12,
  Forbidden: 13
}

/** The process exit code of a failure. @complexity O(1) */
export const exitCode = (failure: AppFailure): number => exitCodes[failure.kind]
