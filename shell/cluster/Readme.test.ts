/**
 * The README's section "Serving: a cluster over PostgreSQL" works as written: its
 * `bash examples/cluster/cluster.sh` line starts PostgreSQL from the machine's binaries and two
 * runners (on free ports instead of the README's), its `curl` lines answer 2xx, the read through
 * the first runner is answered by the second (which owns the memory it was written through),
 * and SIGTERM stops everything and removes the folder. Skips, with the reason printed, where no
 * PostgreSQL binaries exist.
 */
import { execFile, spawn } from "node:child_process"
import * as NodeFs from "node:fs"
import * as Net from "node:net"
import * as NodePath from "node:path"
import { promisify } from "node:util"
import { describe, expect, it } from "vitest"
import { ROOT } from "../cli/testing.ts"
import * as PgServer from "../testing/PgServer.ts"

const skip = PgServer.skipReason()
if (skip !== undefined) console.warn(skip)

const readme = NodeFs.readFileSync(NodePath.join(ROOT, "README.md"), "utf8")
const TITLE = "## Serving: a cluster over PostgreSQL"
const section = readme.slice(readme.indexOf(TITLE), readme.indexOf("\n## ", readme.indexOf(TITLE) + 3))
const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((b) => b[1]!)

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = Net.createServer()
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as Net.AddressInfo).port
      server.close(() => resolve(port))
    })
    server.on("error", reject)
  })

const answers = async (url: string): Promise<boolean> => {
  try {
    return (await fetch(url)).status === 200
  } catch {
    return false
  }
}

describe.skipIf(skip !== undefined)("README: Serving: a cluster over PostgreSQL", () => {
  it("the script starts PostgreSQL and two runners; a write through one is read through the other; SIGTERM cleans up", async () => {
    expect(section.length).toBeGreaterThan(0)
    const start = blocks.flatMap((b) => b.split("\n")).find((l) => l.startsWith("bash examples/cluster/cluster.sh"))!
    expect(start).toBe("bash examples/cluster/cluster.sh 8787 8788")
    const curls = blocks.find((b) => b.includes("curl"))!
    for (const line of curls.split("\n")) if (line.startsWith("curl ")) expect(line).toMatch(/^curl -sf /)
    const [a, b] = [await freePort(), await freePort()]
    const ports = (text: string) => text.replaceAll("8787", String(a)).replaceAll("8788", String(b))

    const base: Record<string, string> = {}
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("MAGS_")) base[k] = v
    if (process.env["MAGS_PG_BIN"] !== undefined) base["MAGS_PG_BIN"] = process.env["MAGS_PG_BIN"]
    const child = spawn("bash", ["-c", ports(start)], { cwd: ROOT, env: { ...base, MAGS_EMBEDDINGS: "test" }, stdio: ["ignore", "ignore", "pipe"] })
    let err = ""
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString()
    })
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()))
    try {
      const deadline = Date.now() + 90_000
      while (!((await answers(`http://127.0.0.1:${a}/v1/memories`)) && (await answers(`http://127.0.0.1:${b}/v1/memories`)))) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the cluster did not start: ${err}`)
        await new Promise((r) => setTimeout(r, 200))
      }
      const { stdout } = await promisify(execFile)("bash", ["-e", "-c", ports(curls)], { encoding: "utf8", timeout: 60_000 })
      // the recall went to the first runner, and the second (the owner) answered
      expect(stdout).toMatch(/x-mags-runner: two/i)
      expect(stdout).toMatch(/Oslo/)
    } finally {
      child.kill("SIGTERM")
      await exited
    }
    const dir = /PostgreSQL on the socket in (\S+);/.exec(err)?.[1]
    expect(dir, err).toBeDefined()
    expect(NodeFs.existsSync(dir!)).toBe(false)
  })
})
