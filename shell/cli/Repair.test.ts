/**
 * `mags repair` and read-only reads, end to end (child processes on a temporary home with the
 * test embedder):
 * - a damaged record: every command's error points to `mags repair`; repair exits 11 with the
 *   exact loss, keeps the damaged file, and afterwards `replay --verify` passes and the memory
 *   takes new turns; a second repair finds nothing to do (exit 0);
 * - reads (`inspect`, `recall --no-record`, `export`, `replay --verify`) work on a read-only
 *   database in a read-only home and leave it byte for byte as it was. chmod does not bind
 *   root, so when the tests run as root these commands run as the user `nobody` (uid 65534);
 *   when that is impossible the test is skipped with a message.
 */
import { spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import { DatabaseSync } from "node:sqlite"
import { afterAll, describe, expect, it } from "vitest"
import { exitCodes } from "./Errors.ts"
import { MAIN, mags, ROOT, tempDir } from "./testing.ts"

const dir = tempDir()
afterAll(() => {
  chmodTree(dir, 0o755, 0o644)
  NodeFs.rmSync(dir, { recursive: true, force: true })
})

const chmodTree = (path: string, dirMode: number, fileMode: number): void => {
  if (!NodeFs.existsSync(path)) return
  if (NodeFs.statSync(path).isDirectory()) {
    NodeFs.chmodSync(path, dirMode)
    for (const f of NodeFs.readdirSync(path)) chmodTree(NodePath.join(path, f), dirMode, fileMode)
  } else NodeFs.chmodSync(path, fileMode)
}

const sha = (path: string): string => createHash("sha256").update(NodeFs.readFileSync(path)).digest("hex")

const world = (home: string): Record<string, string> => {
  const env = { MAGS_HOME: home, MAGS_EMBEDDINGS: "test" }
  const file = NodePath.join(dir, "world.txt")
  NodeFs.writeFileSync(file, "Mira lives in Lumen.\nTobin visits Mira.\nMira lives in Vell.\nOona owns the bakery.\nTobin likes Oona.\n")
  const r = mags(["ingest", file], env)
  expect(r.code, r.stderr).toBe(0)
  return env
}

describe("mags repair", () => {
  it("salvages the good prefix, reports the loss exactly, keeps the damaged file; then verify passes", () => {
    const home = NodePath.join(dir, "damaged")
    const env = world(home)
    const db = new DatabaseSync(NodePath.join(home, "mags.db"))
    const n = Number(db.prepare("SELECT max(seq) AS n FROM events").get()?.["n"])
    const data = Uint8Array.from(db.prepare("SELECT json FROM events WHERE seq = 3").get()?.["json"] as Uint8Array)
    data[data.length - 2] = data[data.length - 2]! ^ 0x20
    db.prepare("UPDATE events SET json = ? WHERE seq = 3").run(data)
    db.close()
    expect(n).toBeGreaterThan(3)

    for (const args of [["inspect"], ["recall", "Mira"], ["replay", "--verify"]]) {
      const r = mags(args, env)
      expect(r.code, r.stderr).toBe(exitCodes.CorruptJournal)
      expect(r.stderr).toMatch(/run `mags repair`/)
    }
    const damaged = sha(NodePath.join(home, "mags.db"))

    const repaired = mags(["repair"], env)
    expect(repaired.code, repaired.stderr).toBe(exitCodes.DataLost)
    expect(repaired.stdout).toContain(`kept events 1..2; lost events 3..${n}`)
    expect(repaired.stdout).toMatch(/first problem: record at position 2: checksum mismatch/)
    const moved = /damaged database moved to (\S+)/.exec(repaired.stdout)?.[1]
    expect(moved).toBeDefined()
    expect(NodePath.basename(moved!)).toMatch(/^mags\.db\.damaged-\d{8}T\d{6}Z$/)
    expect(sha(moved!)).toBe(damaged)

    const verify = mags(["replay", "--verify"], env)
    expect(verify.code, verify.stderr).toBe(0)
    expect(verify.stdout).toContain("replayed 2 events")
    expect(verify.stdout).toContain("verify: ok")
    const again = mags(["ingest", NodePath.join(dir, "world.txt")], env)
    expect(again.code, again.stderr).toBe(0)
    expect(mags(["replay", "--verify"], env).code).toBe(0)

    const healthy = mags(["repair"], env)
    expect(healthy.code, healthy.stderr).toBe(0)
    expect(healthy.stdout).toMatch(/is healthy; nothing to do/)
  }, 120_000)
})

describe("read-only database and home", () => {
  it("inspect, recall --no-record, export and replay --verify read it and change nothing", (ctx) => {
    const home = NodePath.join(dir, "readonly")
    const env = world(home)
    const path = NodePath.join(home, "mags.db")
    expect(NodeFs.existsSync(path + "-wal")).toBe(false)
    const before = sha(path)
    NodeFs.chmodSync(dir, 0o755)
    NodeFs.chmodSync(path, 0o444)
    NodeFs.chmodSync(home, 0o555)
    const asRoot = process.getuid?.() === 0
    const run = (args: ReadonlyArray<string>) => {
      const base: Record<string, string> = {}
      for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("MAGS_")) base[k] = v
      const r = spawnSync(process.execPath, ["--disable-warning=ExperimentalWarning", MAIN, ...args], {
        cwd: ROOT,
        env: { ...base, ...env, HOME: dir },
        encoding: "utf8",
        timeout: 60_000,
        ...(asRoot ? { uid: 65534, gid: 65534 } : {})
      })
      return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, error: r.error }
    }
    if (asRoot) {
      const probe = run(["--help"])
      if (probe.code !== 0) {
        console.log(`skipped: running as root and cannot run the CLI as nobody (${probe.error?.message ?? probe.stderr.split("\n")[0]})`)
        ctx.skip()
      }
    }
    const write = run(["ingest", NodePath.join(dir, "world.txt")])
    expect(write.code, "a write must fail on a read-only home").not.toBe(0)
    for (const args of [["inspect"], ["recall", "Mira", "--no-record"], ["export", "--format", "json"], ["replay", "--verify"]]) {
      const r = run(args)
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0)
      expect(r.stdout.length).toBeGreaterThan(0)
    }
    expect(run(["recall", "Mira", "--no-record"]).stdout).toMatch(/Mira/)
    expect(run(["replay", "--verify"]).stdout).toContain("verify: ok")
    expect(sha(path)).toBe(before)
    expect(NodeFs.readdirSync(home).sort()).toEqual(["mags.db"])
  }, 120_000)
})
