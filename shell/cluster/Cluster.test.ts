/**
 * A cluster of `mags serve` runners over one throwaway PostgreSQL server (started from the
 * machine's binaries, `shell/testing/PgServer.ts`), as child processes talking HTTP on
 * loopback: any runner answers for every memory (a request at a runner that does not own the
 * memory is forwarded, the answer names the owner), two runners claiming one memory at once end
 * with one owner and every write once, a runner killed with SIGKILL during writes loses nothing
 * it acknowledged and the other takes its memory over, a runner stopped cleanly lets its
 * leases go at once. Skips, with the reason printed, where no PostgreSQL binaries exist.
 */
import { type ChildProcess, spawn } from "node:child_process"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import { Effect } from "effect"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { exitCodes } from "../cli/Errors.ts"
import { MAIN, mags, ROOT, tempDir } from "../cli/testing.ts"
import * as PgServer from "../testing/PgServer.ts"

const skip = PgServer.skipReason()
if (skip !== undefined) console.warn(skip)

interface Runner {
  readonly id: string
  readonly url: string
  readonly child: ChildProcess
  readonly stderr: () => string
}

describe("mags serve's cluster flags", () => {
  it("are refused on a SQLite store (a cluster needs PostgreSQL), and checked", () => {
    const home = tempDir("mags-cluster-flags-")
    try {
      const env = { MAGS_HOME: home, MAGS_EMBEDDINGS: "test" }
      for (const flags of [["--runner", "x"], ["--advertise", "http://127.0.0.1:1"], ["--lease-ms", "5000"]]) {
        const r = mags(["serve", "--no-auth", "--port", "0", ...flags], env)
        expect(r.code, r.stderr).toBe(exitCodes.Usage)
        expect(r.stderr).toMatch(/are for a cluster: a PostgreSQL store/)
      }
      const bad = mags(["serve", "--no-auth", "--port", "0", "--lease-ms", "10"], { ...env, MAGS_STORE: "postgres://mags@localhost/x?host=/nonexistent" })
      expect(bad.code, bad.stderr).toBe(exitCodes.Usage)
      expect(bad.stderr).toMatch(/--lease-ms must be at least/)
    } finally {
      NodeFs.rmSync(home, { recursive: true, force: true })
    }
  })
})

describe.skipIf(skip !== undefined)("a cluster of mags serve runners over PostgreSQL", () => {
  const pg = PgServer.shared()
  let dir: string
  const running: Array<Runner> = []

  beforeAll(() => {
    dir = tempDir("mags-cluster-")
  })
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => stop(r)))
  })
  afterAll(async () => {
    NodeFs.rmSync(dir, { recursive: true, force: true })
    await pg.close()
  })

  const start = (id: string, store: string, leaseMs: number): Promise<Runner> => {
    const base: Record<string, string> = {}
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("MAGS_")) base[k] = v
    const env = { ...base, MAGS_HOME: NodePath.join(dir, id), MAGS_EMBEDDINGS: "test", MAGS_STORE: store }
    const child = spawn(
      process.execPath,
      ["--disable-warning=ExperimentalWarning", MAIN, "serve", "--no-auth", "--port", "0", "--runner", id, "--lease-ms", String(leaseMs)],
      { cwd: ROOT, env, stdio: ["ignore", "ignore", "pipe"] }
    )
    let err = ""
    child.stderr!.on("data", (d: Buffer) => {
      err += d.toString()
    })
    return new Promise((resolve, reject) => {
      const onData = () => {
        const m = /cluster runner (\S+) at (http:\/\/\S+)/.exec(err)
        if (m !== null) {
          child.stderr!.off("data", onData)
          const r: Runner = { id: m[1]!, url: m[2]!, child, stderr: () => err }
          running.push(r)
          resolve(r)
        }
      }
      child.stderr!.on("data", onData)
      child.on("exit", (code) => reject(new Error(`runner ${id} exited ${code}: ${err}`)))
    })
  }

  const stop = (r: Runner, signal: NodeJS.Signals = "SIGTERM"): Promise<void> =>
    r.child.exitCode !== null || r.child.signalCode !== null
      ? Promise.resolve()
      : new Promise((resolve) => {
        r.child.on("exit", () => resolve())
        r.child.kill(signal)
      })

  const M = (user: string) => `/v1/memories/${user}/a/s`
  const fact = (i: number) => ({ facts: [{ subject: `W${i}`, relation: "knows", object: `X${i}` }] })

  const post = async (r: Runner, path: string, body: unknown) => {
    const res = await fetch(`${r.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
    return { status: res.status, runner: res.headers.get("x-mags-runner"), body: await res.text() }
  }
  const get = async (r: Runner, path: string) => {
    const res = await fetch(`${r.url}${path}`)
    return { status: res.status, runner: res.headers.get("x-mags-runner"), body: await res.text() }
  }

  /** The subjects `W<i>` the memory's graph holds. */
  const subjects = async (r: Runner, user: string): Promise<Set<number>> => {
    const g = await get(r, `${M(user)}/graph`)
    expect(g.status, g.body).toBe(200)
    return new Set([...g.body.matchAll(/"W(\d+)"/g)].map((m) => Number(m[1])))
  }

  const verified = async (r: Runner, user: string) => {
    const v = await post(r, `${M(user)}/verify`, {})
    expect(v.status, v.body).toBe(200)
    expect(JSON.parse(v.body).ok, v.body).toBe(true)
  }

  it("a request at the runner that does not own the memory is forwarded to its owner; both runners' writes land once", async () => {
    const store = await Effect.runPromise(pg.database("fwd"))
    const [a, b] = await Promise.all([start("ra", store, 5000), start("rb", store, 5000)])
    const first = await post(a, `${M("alice")}/facts`, fact(1))
    expect(first.status, first.body).toBe(200)
    expect(first.runner).toBe("ra")
    const second = await post(b, `${M("alice")}/facts`, fact(2))
    expect(second.status, second.body).toBe(200)
    expect(second.runner).toBe("ra") // answered by the owner, through b
    // a memory first reached at b is b's; a's requests for it go to b
    const other = await post(b, `${M("bob")}/facts`, fact(3))
    expect(other.runner).toBe("rb")
    const read = await get(a, `${M("bob")}/graph`)
    expect(read.status, read.body).toBe(200)
    expect(read.runner).toBe("rb")
    expect([...await subjects(b, "alice")].sort()).toEqual([1, 2])
    await verified(b, "alice")
    // an unknown memory is a 404 wherever it is asked
    expect((await get(b, `${M("nobody")}/graph`)).status).toBe(404)
    // the list is the database's: the same at both runners
    const la = JSON.parse((await get(a, "/v1/memories")).body)
    const lb = JSON.parse((await get(b, "/v1/memories")).body)
    expect(la).toEqual(lb)
    expect(la.memories.map((m: { user: string }) => m.user).sort()).toEqual(["alice", "bob"])
  })

  it("two runners claiming one new memory at once: one owns it, and every concurrent write lands exactly once", async () => {
    const store = await Effect.runPromise(pg.database("race"))
    const [a, b] = await Promise.all([start("rc", store, 5000), start("rd", store, 5000)])
    const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => post(i % 2 === 0 ? a : b, `${M("carol")}/facts`, fact(i))))
    for (const r of answers) expect(r.status, r.body).toBe(200)
    const owners = new Set(answers.map((r) => r.runner))
    expect(owners.size).toBe(1)
    expect([...await subjects(a, "carol")].sort((x, y) => x - y)).toEqual(Array.from({ length: 24 }, (_, i) => i))
    await verified(a, "carol")
    const live = await Effect.runPromise(pg.psql(store, `SELECT runner FROM mags_leases WHERE "user" = 'carol' AND expires > clock_timestamp()`))
    expect(live).toContain([...owners][0]!)
    // the seqs are one run 1..n: no write was applied twice
    const seqs = await Effect.runPromise(pg.psql(store, "SELECT count(*) || ':' || max(seq) FROM mags_events"))
    const [n, max] = seqs.trim().split(":").map(Number)
    expect(n).toBe(max)
  })

  it("SIGKILL of the owner during writes: every acknowledged write survives, the other runner takes the memory over", async () => {
    const store = await Effect.runPromise(pg.database("kill"))
    const leaseMs = 1500
    const [a, b] = await Promise.all([start("re", store, leaseMs), start("rf", store, leaseMs)])
    expect((await post(a, `${M("dave")}/facts`, fact(0))).runner).toBe("re")
    const acked = new Set<number>([0])
    let next = 1
    // four writers at the owner, until it dies
    const writers = Array.from({ length: 4 }, async () => {
      for (;;) {
        const i = next++
        try {
          const r = await post(a, `${M("dave")}/facts`, fact(i))
          if (r.status === 200) acked.add(i)
        } catch {
          return // the runner is gone
        }
      }
    })
    await new Promise((r) => setTimeout(r, 400))
    await stop(a, "SIGKILL")
    const killedAt = performance.now()
    await Promise.all(writers)
    expect(acked.size).toBeGreaterThan(1)
    // the survivor waits for the dead runner's lease to lapse, then answers itself
    const after = await post(b, `${M("dave")}/facts`, fact(100_000))
    const takeoverMs = performance.now() - killedAt
    expect(after.status, after.body).toBe(200)
    expect(after.runner).toBe("rf")
    acked.add(100_000)
    console.log(`cluster: takeover after SIGKILL took ${takeoverMs.toFixed(0)} ms (lease ${leaseMs} ms)`)
    const held = await subjects(b, "dave")
    for (const i of acked) expect(held.has(i), `acknowledged write ${i} lost`).toBe(true)
    await verified(b, "dave")
    // the killed runner comes back (a new process): it forwards to the new owner
    const again = await start("re2", store, leaseMs)
    const through = await post(again, `${M("dave")}/facts`, fact(100_001))
    expect(through.status, through.body).toBe(200)
    expect(through.runner).toBe("rf")
    await verified(again, "dave")
  })

  it("a runner stopped cleanly lets its leases go: the other answers at once, with the state the first wrote", async () => {
    const store = await Effect.runPromise(pg.database("stop"))
    // a long lease: a takeover that had to wait for it to lapse would show
    const [a, b] = await Promise.all([start("rg", store, 60_000), start("rh", store, 60_000)])
    for (let i = 0; i < 5; i++) expect((await post(a, `${M("erin")}/facts`, fact(i))).runner).toBe("rg")
    // b has no copy yet: its reads go to a
    expect((await get(b, `${M("erin")}/graph`)).runner).toBe("rg")
    await stop(a)
    const left = await Effect.runPromise(pg.psql(store, `SELECT count(*) FROM mags_leases WHERE runner = 'rg' AND expires > clock_timestamp()`))
    expect(left.trim()).toBe("0")
    const runners = await Effect.runPromise(pg.psql(store, `SELECT count(*) FROM mags_runners WHERE runner = 'rg'`))
    expect(runners.trim()).toBe("0")
    const took = await post(b, `${M("erin")}/facts`, fact(5))
    expect(took.status, took.body).toBe(200)
    expect(took.runner).toBe("rh")
    expect([...await subjects(b, "erin")].sort()).toEqual([0, 1, 2, 3, 4, 5])
    await verified(b, "erin")
  })

  it("the owner stopped cleanly under load: writes through the other runner go on, every one answered 200 and applied once", async () => {
    const store = await Effect.runPromise(pg.database("drain"))
    const [a, b] = await Promise.all([start("rj", store, 5000), start("rk", store, 5000)])
    expect((await post(a, `${M("gil")}/facts`, fact(0))).runner).toBe("rj")
    const engrammed = async () => Number((await Effect.runPromise(pg.psql(store, `SELECT count(*) FROM mags_events WHERE tag = 'Engrammed'`))).trim())
    expect(await engrammed()).toBe(1)
    // four keep-alive writers through b (forwarded to a), before, while and after a stops
    const statuses: Array<number> = []
    const acked = new Set<number>([0])
    let next = 1
    let stopped = false
    let after = 0
    const writers = Array.from({ length: 4 }, async () => {
      while (!stopped || after < 20) {
        const i = next++
        const r = await post(b, `${M("gil")}/facts`, fact(i))
        statuses.push(r.status)
        if (r.status === 200) acked.add(i)
        if (stopped) after++
      }
    })
    await new Promise((r) => setTimeout(r, 300))
    await stop(a)
    stopped = true
    await Promise.all(writers)
    expect(statuses.filter((s) => s !== 200)).toEqual([])
    expect(await engrammed()).toBe(acked.size)
    const held = await subjects(b, "gil")
    for (const i of acked) expect(held.has(i), `acknowledged write ${i} lost`).toBe(true)
    await verified(b, "gil")
  })

  it("right after the owner starts a clean stop, a write through the other runner's idle keep-alive connection to it is answered, once", async () => {
    const store = await Effect.runPromise(pg.database("idlestop"))
    const b = await start("rl", store, 5000)
    for (let round = 0; round < 6; round++) {
      const a = await start(`rm${round}`, store, 5000)
      const user = `hal${round}`
      expect((await post(a, `${M(user)}/facts`, fact(0))).runner).toBe(`rm${round}`)
      // b's forward leaves a keep-alive connection to a, idle
      expect((await post(b, `${M(user)}/facts`, fact(1))).runner).toBe(`rm${round}`)
      const exited = stop(a)
      const r = await post(b, `${M(user)}/facts`, fact(2))
      await exited
      expect(r.status, r.body).toBe(200)
      const n = await Effect.runPromise(pg.psql(store, `SELECT count(*) FROM mags_events e JOIN mags_memories m ON m.id = e.memory WHERE m."user" = '${user}' AND e.tag = 'Engrammed'`))
      expect(Number(n.trim())).toBe(3)
    }
  })

  it("right after the owner crashes, a read through the other runner's idle keep-alive connection to it is answered once the lease lapses", async () => {
    const store = await Effect.runPromise(pg.database("idlecrash"))
    const b = await start("rn", store, 1000)
    for (let round = 0; round < 3; round++) {
      const a = await start(`ro${round}`, store, 1000)
      const user = `ian${round}`
      expect((await post(a, `${M(user)}/facts`, fact(0))).runner).toBe(`ro${round}`)
      expect((await get(b, `${M(user)}/graph`)).runner).toBe(`ro${round}`)
      const exited = stop(a, "SIGKILL")
      const r = await get(b, `${M(user)}/graph`)
      await exited
      expect(r.status, r.body).toBe(200)
      expect(r.runner).toBe("rn")
      expect(r.body).toMatch(/"W0"/)
    }
  })

  it("a plain client (the CLI) may not write a memory a runner owns; it may once the runner has stopped", async () => {
    const store = await Effect.runPromise(pg.database("cli"))
    const a = await start("ri", store, 60_000)
    expect((await post(a, `${M("fay")}/facts`, fact(1))).status).toBe(200)
    const env = { MAGS_HOME: NodePath.join(dir, "cli"), MAGS_EMBEDDINGS: "test", MAGS_STORE: store, MAGS_USER: "fay", MAGS_AGENT: "a", MAGS_SESSION: "s" }
    const text = NodePath.join(dir, "gus.txt")
    NodeFs.writeFileSync(text, "Gus lives in Oslo.\n")
    const refused = mags(["ingest", text], env)
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toMatch(/runner ri owns it/)
    await stop(a)
    const allowed = mags(["ingest", text], env)
    expect(allowed.code, allowed.stderr).toBe(0)
  })
})
