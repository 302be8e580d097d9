/**
 * The README's "Serving: MCP" section says what the server does: its tool table is the tools the
 * server lists (with their read-only and destructive hints), and its stdio client configuration
 * starts a working server as written (the checkout's path and the memory home filled in).
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import { describe, expect, it } from "vitest"
import { dbState, ROOT, tempDir } from "../cli/testing.ts"
import { call, TOOL_TABLE } from "./testing.ts"

const section = (): string => {
  const readme = NodeFs.readFileSync(NodePath.join(ROOT, "README.md"), "utf8")
  const start = readme.indexOf("## Serving: MCP")
  expect(start).toBeGreaterThanOrEqual(0)
  const end = readme.indexOf("\n## ", start + 1)
  return readme.slice(start, end < 0 ? undefined : end)
}

describe("README: Serving: MCP", () => {
  it("the tool table lists the server's tools with their read-only and destructive hints", () => {
    const rows = [...section().matchAll(/^\| `(\w+)` \|[^|]*\| (yes|no)[^|]*\| (yes|no) \|$/gm)]
      .map((m) => [m[1], m[2] === "yes", m[3] === "yes"])
    expect(rows).toEqual(TOOL_TABLE.map(([name, readOnly, destructive]) => [name, readOnly, destructive]))
  })

  it("the stdio client configuration starts a working server as written", async () => {
    const block = /```json\n([\s\S]*?)```/.exec(section())
    expect(block).not.toBeNull()
    const config = JSON.parse(block![1]!) as { mcpServers: { mags: { command: string; args: Array<string>; env: Record<string, string> } } }
    const { args, command, env } = config.mcpServers.mags
    const home = tempDir("mags-mcp-readme-")
    const filled = args.map((a) => a.replace("/path/to/mags-ts", ROOT).replace("/path/to/memory-home", home))
    const base: Record<string, string> = {}
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("MAGS_")) base[k] = v
    const transport = new StdioClientTransport({ command, args: filled, env: { ...base, ...env, MAGS_EMBEDDINGS: "test" }, stderr: "pipe" })
    const client = new Client({ name: "readme", version: "1.0.0" })
    await client.connect(transport)
    try {
      const { tools } = await client.listTools()
      expect(tools.map((t) => t.name).sort()).toEqual(TOOL_TABLE.map(([n]) => n).sort())
      const learned = await call(client, "add_facts", { facts: [{ subject: "Una", relation: "reads", object: "Borges" }] })
      expect(learned.isError, learned.text).toBe(false)
      const opened = await call(client, "open_nodes", { names: ["Una"], user: env.MAGS_USER })
      expect(opened.value.nodes.map((n: any) => n.label)).toEqual(["Una"])
      expect(dbState(home)?.memories).toBe(1)
    } finally {
      await client.close()
    }
  })
})
