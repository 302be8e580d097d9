/**
 * The `mags` CLI on a PostgreSQL store (`MAGS_STORE=postgres://…` or `--store`), as child
 * processes on a throwaway server started from the machine's PostgreSQL binaries
 * (`shell/testing/PgServer.ts`): two processes with different homes share one memory through
 * the database, nothing is written to the home's SQLite file, `replay --verify` agrees, `repair`
 * mends a damaged record in place (the tail kept on a "corrupt" branch), and a
 * store value that is neither `sqlite` nor a postgres URL is a usage error (its password never
 * printed). Skips, with the reason printed, where no PostgreSQL binaries exist.
 */
import { Effect } from "effect"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as PgServer from "../testing/PgServer.ts"
import { exitCodes } from "./Errors.ts"
import { mags, tempDir } from "./testing.ts"

const skip = PgServer.skipReason()
if (skip !== undefined) console.warn(skip)

describe.skipIf(skip !== undefined)("mags CLI on PostgreSQL", () => {
  const pg = PgServer.shared()
  let url: string
  let dir: string
  const envOf = (home: string): Record<string, string> => ({ MAGS_HOME: NodePath.join(dir, home), MAGS_EMBEDDINGS: "test", MAGS_STORE: url })

  beforeAll(async () => {
    url = await Effect.runPromise(pg.database("cli"))
    dir = tempDir()
    NodeFs.writeFileSync(NodePath.join(dir, "world.txt"), "Mira lives in Lumen.\nTobin works at the lighthouse.\nMira lives in Vell.\n")
  })

  afterAll(async () => {
    NodeFs.rmSync(dir, { recursive: true, force: true })
    await pg.close()
  })

  it("two processes with different homes share one memory in the database; no SQLite file is made", () => {
    const ingest = mags(["ingest", NodePath.join(dir, "world.txt")], envOf("one"))
    expect(ingest.code, ingest.stderr).toBe(0)
    const recall = mags(["recall", "Where does Mira live?", "--no-record"], envOf("two"))
    expect(recall.code, recall.stderr).toBe(0)
    expect(recall.stdout).toMatch(/Mira —lives_in→ Vell/)
    expect(NodeFs.existsSync(NodePath.join(dir, "one", "mags.db"))).toBe(false)
    expect(NodeFs.existsSync(NodePath.join(dir, "two", "mags.db"))).toBe(false)
  })

  it("--store selects the database too; replay --verify agrees with the stored state", () => {
    const { MAGS_STORE: _, ...env } = envOf("three")
    const verify = mags(["replay", "--verify", "--store", url], env)
    expect(verify.code, verify.stderr).toBe(0)
    const history = mags(["history", "Mira", "--store", url], env)
    expect(history.code, history.stderr).toBe(0)
    expect(history.stdout).toMatch(/Vell/)
  })

  it("repair: a damaged record's tail moves to a corrupt branch (exit DataLost), then the store is healthy and verifies", async () => {
    await Effect.runPromise(pg.psql(url, "UPDATE mags_events SET crc = crc # 1 WHERE seq = (SELECT max(seq) FROM mags_events)"))
    const refused = mags(["inspect"], envOf("five"))
    expect(refused.code).toBe(exitCodes.CorruptJournal)
    const r = mags(["repair"], envOf("five"))
    expect(r.code, r.stderr).toBe(exitCodes.DataLost)
    expect(r.stdout).toMatch(/kept events 1\.\.\d+; lost events/)
    expect(r.stdout).toMatch(/the cut tail is kept on abandoned branch 1 \(reason corrupt\)/)
    expect(r.stdout).toMatch(/repaired in place/)
    const again = mags(["repair"], envOf("five"))
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toMatch(/is healthy; nothing to do/)
    const verify = mags(["replay", "--verify"], envOf("five"))
    expect(verify.code, verify.stderr).toBe(0)
  })

  it("a store that is neither sqlite nor a postgres URL is a usage error, without its password", () => {
    const r = mags(["inspect"], { ...envOf("four"), MAGS_STORE: "mysql://me:s3cret@db/x" })
    expect(r.code).toBe(exitCodes.Usage)
    expect(r.stderr).toMatch(/store must be "sqlite" or a postgres:\/\/ URL/)
    expect(r.stderr).not.toMatch(/s3cret/)
  })
})
