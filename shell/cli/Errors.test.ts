/**
 * The CLI's failures: each gives one line on stderr (`mags: …`), its own exit code, and leaves the
 * stored memory untouched (same memories, events and snapshots rows, same journal bytes).
 * Child processes on a temporary home with the test embedder; a loopback HTTP server plays an
 * OpenAI-compatible endpoint that refuses the key.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as NodeFs from "node:fs"
import * as NodeHttp from "node:http"
import type { AddressInfo } from "node:net"
import * as NodePath from "node:path"
import { exitCodes } from "./Errors.ts"
import { dbState, mags, magsAsync, sql, tempDir } from "./testing.ts"

let dir: string
let home: string
let env: Record<string, string>
let server: NodeHttp.Server
let serverUrl: string

beforeAll(async () => {
  dir = tempDir()
  home = NodePath.join(dir, "home")
  env = { MAGS_HOME: home, MAGS_EMBEDDINGS: "test" }
  NodeFs.writeFileSync(NodePath.join(dir, "world.txt"), "Mira lives in Lumen.\nTobin visits Mira.\nMira lives in Vell.\n")
  const ingested = mags(["ingest", NodePath.join(dir, "world.txt")], env)
  expect(ingested.code).toBe(0)
  server = NodeHttp.createServer((req, res) => {
    req.resume()
    req.on("end", () => {
      res.writeHead(401, { "content-type": "application/json" })
      res.end(JSON.stringify({ error: { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" } }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
  NodeFs.rmSync(dir, { recursive: true, force: true })
})

/** Runs the CLI and checks the exit code, the one-line error and that the database is unchanged. */
const failsUntouched = async (args: ReadonlyArray<string>, extra: Record<string, string>, code: number, pattern: RegExp) => {
  const before = dbState(home)!
  const r = await magsAsync(args, { ...env, ...extra })
  expect(r.code, r.stderr).toBe(code)
  const lines = r.stderr.trim().split("\n")
  expect(lines.length).toBe(1)
  expect(lines[0]).toMatch(/^mags: /)
  expect(lines[0]).toMatch(pattern)
  expect(dbState(home)).toEqual(before)
}

describe("mags errors: exit codes, one line, memory untouched", () => {
  it("missing model file → 3", async () => {
    await failsUntouched(["ask", "Where does Mira live?"], { MAGS_MODEL: NodePath.join(dir, "no-such-model.gguf") }, exitCodes.ModelMissing, /model file not found/)
  })

  it("missing GGUF embedding model → 3", async () => {
    await failsUntouched(["recall", "Mira"], { MAGS_EMBEDDINGS: NodePath.join(dir, "no-such-embedder.gguf") }, exitCodes.ModelMissing, /model file not found/)
  })

  it("unreachable endpoint → 4", async () => {
    await failsUntouched(
      ["ask", "Where does Mira live?"],
      { MAGS_OPENAI_BASE_URL: "http://127.0.0.1:1", MAGS_OPENAI_MODEL: "any", MAGS_OPENAI_API_KEY: "sk-test" },
      exitCodes.Unreachable,
      /unreachable/
    )
  })

  it("bad API key → 5 (chat model and embeddings)", async () => {
    await failsUntouched(
      ["ask", "Where does Mira live?"],
      { MAGS_OPENAI_BASE_URL: serverUrl, MAGS_OPENAI_MODEL: "any", MAGS_OPENAI_API_KEY: "sk-wrong" },
      exitCodes.BadApiKey,
      /refused the API key/
    )
    await failsUntouched(
      ["recall", "Mira"],
      { MAGS_OPENAI_BASE_URL: serverUrl, MAGS_EMBEDDINGS: "openai", MAGS_OPENAI_API_KEY: "sk-wrong" },
      exitCodes.BadApiKey,
      /refused the API key/
    )
  })

  it("unreadable input → 7: missing file, invalid UTF-8, malformed JSONL, a bad file after a good one", async () => {
    const bad = NodePath.join(dir, "bad.txt")
    NodeFs.writeFileSync(bad, Buffer.from([0x4d, 0x69, 0x72, 0x61, 0xff, 0xfe, 0x2e]))
    const jsonl = NodePath.join(dir, "bad.jsonl")
    NodeFs.writeFileSync(jsonl, '{"role":"user","content":"Oona owns the bakery."}\n{"subject":"x"\n')
    const good = NodePath.join(dir, "good.txt")
    NodeFs.writeFileSync(good, "Oona owns the bakery.\n")
    await failsUntouched(["ingest", NodePath.join(dir, "missing.txt")], {}, exitCodes.BadInput, /cannot read .*missing\.txt/)
    await failsUntouched(["ingest", bad], {}, exitCodes.BadInput, /not valid UTF-8/)
    await failsUntouched(["ingest", jsonl], {}, exitCodes.BadInput, /bad\.jsonl:2: not JSON/)
    await failsUntouched(["ingest", good, jsonl], {}, exitCodes.BadInput, /bad\.jsonl:2/)
  })

  it("usage error → 2", () => {
    const before = dbState(home)!
    const r = mags(["rollback", "not-a-number"], env)
    expect(r.code).toBe(exitCodes.Usage)
    expect(dbState(home)).toEqual(before)
  })

  it("corrupt journal → 6 for every command; replay --verify names the first bad record; nothing written", async () => {
    const events = dbState(home)!.events
    expect(events).toBeGreaterThan(3)
    sql(home, "UPDATE events SET json = replace(json, 'Tobin', 'Tobix') WHERE seq = 3")
    await failsUntouched(["replay", "--verify"], {}, exitCodes.CorruptJournal, /first bad record at position 2/)
    await failsUntouched(["recall", "Mira"], {}, exitCodes.CorruptJournal, /corrupt journal at record 2/)
    await failsUntouched(["ask", "Where does Mira live?"], {}, exitCodes.CorruptJournal, /corrupt journal/)
    await failsUntouched(["ingest", NodePath.join(dir, "world.txt")], {}, exitCodes.CorruptJournal, /corrupt journal/)
    await failsUntouched(["maintain"], {}, exitCodes.CorruptJournal, /corrupt journal/)
  })
})
