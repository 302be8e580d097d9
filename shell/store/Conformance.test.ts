/**
 * The backend conformance suite (`Conformance.ts`) run against every backend: in memory,
 * SQLite (a temporary home per test) and PostgreSQL (a throwaway server started from the
 * machine's PostgreSQL binaries by `shell/testing/PgServer.ts`, a fresh database per test;
 * skipped, with the reason printed, where no binaries exist).
 */
import { Effect } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, it } from "vitest"
import * as PgServer from "../testing/PgServer.ts"
import { conformance } from "./Conformance.ts"
import * as MemoryBackend from "./MemoryBackend.ts"
import * as Postgres from "./Postgres.ts"
import * as Sqlite from "./Sqlite.ts"

conformance({
  name: "in memory",
  fresh: Effect.sync(() => {
    const backend = MemoryBackend.make()
    return () => Effect.succeed(backend)
  })
})

conformance({
  name: "SQLite",
  fresh: Effect.map(
    Effect.acquireRelease(
      Effect.sync(() => mkdtempSync(join(tmpdir(), "mags-conformance-"))),
      (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
    ),
    (home) => () => Sqlite.backend({ home })
  )
})

const skipPg = PgServer.skipReason()
if (skipPg === undefined) {
  const pg = PgServer.shared()
  afterAll(pg.close)
  conformance({
    name: "PostgreSQL",
    fresh: Effect.map(Effect.orDie(pg.database("conformance")), (url) => () => Postgres.backend({ url }))
  })
} else {
  console.warn(skipPg)
  describe.skip("Backend conformance: PostgreSQL", () => {
    it(skipPg, () => {})
  })
}
