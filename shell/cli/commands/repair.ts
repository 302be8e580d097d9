/**
 * `mags repair` — checks the memory home's database and, when it is damaged, salvages the
 * longest valid prefix of every memory into a new database (see `store/Repair.ts`), moves the
 * damaged file aside as `mags.db.damaged-<time>` (with its `-wal` / `-shm`; kept, never written
 * over), and reports exactly what was kept and lost. Afterwards the memory opens and
 * `mags replay --verify` passes. Run it while no other `mags` process uses the home.
 *
 * On a PostgreSQL store (`MAGS_STORE=postgres://…`) the server keeps the pages consistent, so
 * the repair is of the records, IN PLACE (`Repair.repairBackend`): a memory's journal tail from
 * its first bad record on moves to an abandoned branch (reason "corrupt", kept), and its
 * snapshots are rebuilt from the fold; other processes may keep running.
 *
 * Exit codes: 0 — the store was healthy (nothing changed), or it was repaired and nothing was
 * lost (e.g. only snapshots were dropped: they are rebuilt); 11 (`DataLost`) — repaired, but
 * events or abandoned branches were lost (listed on stdout), or the file could not be read at
 * all; 10 (`Store`) — the repair itself failed (e.g. the home is not writable): nothing was
 * changed.
 *
 * @since 0.2.0
 */
import { Console, Effect, Redacted } from "effect"
import { Command } from "effect/cli"
import * as Config from "../../app/Config.ts"
import { fail, fromStoreError } from "../../app/Failure.ts"
import * as Postgres from "../../store/Postgres.ts"
import * as Repair from "../../store/Repair.ts"
import * as Root from "../Root.ts"

/**
 * The report as lines.
 * @complexity O(memories + branches)
 */
export const reportLines = (r: Repair.RepairReport): Array<string> => {
  if (r.healthy) return [`repair: ${r.path} is healthy; nothing to do`]
  const lines = [`repair: ${r.path} was damaged`]
  for (const d of r.damage) lines.push(`  damage: ${d}`)
  if (r.memories.length === 0 && r.movedTo !== undefined) lines.push("  no memory could be read: the new database is empty")
  for (const m of r.memories) {
    const kept = m.kept === 0 ? "no events kept" : `kept events 1..${m.kept}`
    const lost = m.lastKnown === undefined
      ? (m.problem === undefined ? "" : `; lost the events from ${m.kept + 1} on (how many is unknown)`)
      : m.lastKnown > m.kept
      ? `; lost events ${m.kept + 1}..${m.lastKnown}`
      : m.problem === undefined ? "; nothing lost" : ""
    lines.push(`  memory ${m.id.key}: ${kept}${lost}`)
    if (m.problem !== undefined) lines.push(`    first problem: ${m.problem}`)
    if (m.tailBranch !== undefined) lines.push(`    the cut tail is kept on abandoned branch ${m.tailBranch} (reason corrupt)`)
    if (m.snapshotsDropped > 0) lines.push(`    ${m.snapshotsDropped} snapshot(s) dropped${m.kept > 0 ? `; a new one written at seq ${m.kept}` : ""}`)
    if (m.branchesKept.length > 0) lines.push(`    abandoned branches kept: ${m.branchesKept.join(", ")}`)
    if (m.branchesDropped.length > 0) lines.push(`    abandoned branches dropped (unreadable): ${m.branchesDropped.join(", ")}`)
  }
  lines.push(r.movedTo === undefined ? "repaired in place" : `damaged database moved to ${r.movedTo}`)
  return lines
}

/** The `repair` command. */
export const repair = Command.make("repair", {}, () =>
  Effect.gen(function*() {
    const s = yield* Root.settings
    const store = s.store
    const report = yield* (store._tag === "Postgres"
      ? Effect.scoped(Effect.flatMap(Postgres.backend({ url: Redacted.value(store.url) }), (b) => Repair.repairBackend(b, Config.describeStore(store))))
      : Repair.repair(s.home)).pipe(Effect.mapError(fromStoreError))
    for (const line of reportLines(report)) yield* Console.log(line)
    if (report.lost) {
      return yield* fail("DataLost", `repaired ${report.path}, but data was lost (see the report above); ${report.movedTo === undefined ? "the cut events are on abandoned branches" : `the damaged file is ${report.movedTo}`}`)
    }
  })).pipe(Command.withDescription("Salvage a damaged memory database into a new one; the damaged file is kept"))
