/**
 * The backend conformance suite (`Conformance.ts`) run against every backend: in memory and
 * SQLite (a temporary home per test).
 */
import { Effect } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { conformance } from "./Conformance.ts"
import * as MemoryBackend from "./MemoryBackend.ts"
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
