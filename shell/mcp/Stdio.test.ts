/**
 * `mags mcp` with the official SDK client over stdio (the real entry point as a child process,
 * on a temporary home, with the test embedder): the conformance suite, then what only stdio has:
 * the default memory is the one the shared flags choose, stdout carries nothing but the
 * protocol, and closing stdin ends the server with exit code 0.
 */
import { spawn } from "node:child_process"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { exitCodes } from "../cli/Errors.ts"
import { dbState, MAIN, mags, ROOT, tempDir } from "../cli/testing.ts"
import { conformance } from "./Conformance.ts"
import { call, stdioClient } from "./testing.ts"

const journalOf = (home: string) => async () => dbState(home)?.journal ?? ""

conformance("stdio (mags mcp)", async () => {
  const home = tempDir("mags-mcp-")
  const { client } = await stdioClient(["--home", home, "--embeddings", "test", "--user", "alice"])
  return { client, user: "alice", journal: journalOf(home), close: () => client.close() }
})

describe("mags mcp over stdio", () => {
  const home = tempDir("mags-mcp-")
  let connected: Awaited<ReturnType<typeof stdioClient>>
  beforeAll(async () => {
    connected = await stdioClient(["--home", home, "--embeddings", "test"], { MAGS_USER: "zoe", MAGS_SESSION: "notes" })
  })
  afterAll(async () => {
    await connected?.client.close()
  })

  it("a call with no memory address uses the memory the flags and environment choose", async () => {
    const learned = await call(connected.client, "add_facts", { facts: [{ subject: "Zoe", relation: "plays", object: "cello" }] })
    expect(learned.isError, learned.text).toBe(false)
    const opened = await call(connected.client, "open_nodes", { names: ["Zoe"], user: "zoe", session: "notes" })
    expect(opened.value.nodes.map((n: any) => n.label)).toEqual(["Zoe"])
    const sameUser = await call(connected.client, "open_nodes", { names: ["Zoe"], user: "zoe" })
    expect(sameUser.value.nodes.map((n: any) => n.label), "naming the default user keeps the default session").toEqual(["Zoe"])
    const elsewhere = await call(connected.client, "open_nodes", { names: ["Zoe"], user: "zoe", session: "default" })
    expect(elsewhere.isError).toBe(true)
    expect(elsewhere.text).toMatch(/NotFound: no memory/)
  })

  it("stdout carries only JSON-RPC messages, and closing stdin ends the server with exit code 0", async () => {
    const other = tempDir("mags-mcp-")
    const child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", MAIN, "mcp", "--home", other, "--embeddings", "test"], {
      cwd: ROOT,
      stdio: ["pipe", "pipe", "pipe"]
    })
    let stdout = ""
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d))
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve))
    const messages = [
      { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } } },
      { jsonrpc: "2.0", method: "notifications/initialized" },
      { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "add_facts", arguments: { facts: [{ subject: "Yan", relation: "likes", object: "chess" }] } } }
    ]
    child.stdin.end(messages.map((m) => JSON.stringify(m)).join("\n") + "\n")
    expect(await exited).toBe(0)
    const lines = stdout.split("\n").filter((l) => l.length > 0)
    const parsed = lines.map((l) => JSON.parse(l))
    expect(parsed.every((m) => m.jsonrpc === "2.0")).toBe(true)
    expect(parsed.find((m) => m.id === 1)?.result?.serverInfo?.name).toBe("mags")
    expect(parsed.find((m) => m.id === 2)?.result?.structuredContent?.factIds).toEqual(["f|yan|likes|chess"])
    expect(dbState(other)?.events).toBeGreaterThan(0)
  })

  it("a server that cannot start says why on stderr and exits with its code, with nothing on stdout", () => {
    const missing = mags(["mcp", "--home", tempDir("mags-mcp-"), "--embeddings", "/no/such/model.gguf"], {})
    expect(missing).toMatchObject({ code: exitCodes.ModelMissing, stdout: "" })
    expect(missing.stderr).toMatch(/model file not found/)
    const blank = mags(["mcp", "--home", tempDir("mags-mcp-"), "--user", ""], {})
    expect(blank).toMatchObject({ code: exitCodes.Usage, stdout: "" })
  })
})
