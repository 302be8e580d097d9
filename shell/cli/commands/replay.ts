/**
 * `mags replay [--verify]` — folds the memory's journal from the empty state, with no model, and
 * reports its content hash; `--verify` also checks it against the stored state and every
 * snapshot. Exit 0 when all agree; exit 6 (`CorruptJournal`) otherwise, naming the first bad
 * record's position (0-based: the number of good events before it — the good prefix, which
 * stays readable). `--events` prints the journal as JSONL (one encoded event per line).
 *
 * The memory is opened leniently from a database opened read only: nothing is written, even
 * when it is corrupt, and it works on a read-only database and home. A failure points to
 * `mags repair`.
 *
 * @since 0.1.0
 */
import { Console, Effect } from "effect"
import { Command, Flag } from "effect/cli"
import * as Event from "../../../core/Event.ts"
import { MemoryStore } from "../../store/MemoryStore.ts"
import { fail, fromStoreError, REPAIR_HINT } from "../../app/Failure.ts"
import * as Root from "../Root.ts"
import * as Services from "../../app/Services.ts"

/** The `replay` command. */
export const replay = Command.make("replay", {
  verify: Flag.Boolean("verify").pipe(Flag.withDescription("Check the fold against the stored state and snapshots"), Flag.withDefault(false)),
  events: Flag.Boolean("events").pipe(Flag.withDescription("Print the journal as JSONL"), Flag.withDefault(false))
}, ({ events, verify }) =>
  Effect.gen(function*() {
    const s = yield* Root.settings
    yield* Effect.scoped(Effect.gen(function*() {
      const { corruption, memory } = yield* MemoryStore.use((store) => store.openLenient(Services.memoryId(s))).pipe(
        Effect.mapError(fromStoreError)
      )
      const report = yield* memory.verify.pipe(Effect.mapError(fromStoreError))
      if (events) {
        const entries = yield* memory.history().pipe(Effect.mapError(fromStoreError))
        for (const e of entries) yield* Console.log(JSON.stringify(Event.encode(e.event)))
      }
      yield* Console.log(`replayed ${report.events} events: hash ${report.hash}`)
      if (!verify) {
        if (corruption === undefined && report.firstBadPosition === undefined) return
      } else {
        yield* Console.log(`stored state: seq ${report.liveSeq}, hash ${report.liveHash}`)
        for (const p of report.problems) yield* Console.log(`problem: ${p}`)
        if (report.ok && corruption === undefined) {
          yield* Console.log("verify: ok")
          return
        }
      }
      const position = report.firstBadPosition ?? corruption?.position
      return yield* fail(
        "CorruptJournal",
        (position !== undefined
          ? `journal verification failed: first bad record at position ${position} (${report.events} good events kept)` +
            (report.problems[0] === undefined ? "" : `: ${report.problems[0]}`)
          : `journal verification failed: ${report.problems.join("; ") || corruption?.message || "hash mismatch"}`) +
          ` (${REPAIR_HINT})`
      )
    })).pipe(Effect.provide(Services.storeLayer(s, { readOnly: true })))
  })).pipe(Command.withDescription("Refold the journal with no model; --verify checks it against the stored state"))
