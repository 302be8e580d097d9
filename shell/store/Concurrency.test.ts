/**
 * Concurrent writers: two processes commit to the same memory at the same time. Neither fails
 * (a busy database is waited for; a writer whose journal another advanced reloads the new
 * records and re-applies its own events), and afterwards the journal holds every event of
 * both, each exactly once, and folds to the stored state.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { batchSize, RACE_MEMORY } from "./fixtures/writer-child.ts"
import { MemoryStore } from "./MemoryStore.ts"

const FIXTURE = fileURLToPath(new URL("./fixtures/writer-child.ts", import.meta.url))
const COMMITS = 40

/** Runs both writers; once both are open (`ready`), tells both to go at once. */
const runChild = (home: string, name: string, ready: () => void, go: Promise<void>) =>
  Effect.callback<{ readonly code: number | null; readonly out: string; readonly err: string }>((resume) => {
    const child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", FIXTURE, home, name, String(COMMITS)], {
      stdio: ["pipe", "pipe", "pipe"]
    })
    let out = ""
    let err = ""
    let signalled = false
    // a child that dies before `ready` still counts as ready, so the other is not left waiting
    const signal = () => {
      if (!signalled) {
        signalled = true
        ready()
      }
    }
    void go.then(() => {
      if (child.exitCode === null) child.stdin.end("go\n")
    })
    child.stdin.on("error", () => {})
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString()
      if (out.startsWith("ready\n")) signal()
    })
    child.stderr.on("data", (d: Buffer) => (err += d.toString()))
    child.on("exit", (code) => {
      signal()
      resume(Effect.succeed({ code, out, err }))
    })
  })

describe("concurrent writers", () => {
  it.effect("two processes committing to one memory: no failure, every event of both exactly once", () =>
    Effect.gen(function*() {
      const home = mkdtempSync(join(tmpdir(), "mags-race-"))
      try {
        let waiting = 2
        let start = () => {}
        const go = new Promise<void>((resolve) => (start = resolve))
        const ready = () => {
          if (--waiting === 0) start()
        }
        const [a, b] = yield* Effect.all([runChild(home, "a", ready, go), runChild(home, "b", ready, go)], { concurrency: 2 })
        assert.strictEqual(a.code, 0, a.err)
        assert.strictEqual(b.code, 0, b.err)
        const perWriter = Array.from({ length: COMMITS }, (_, i) => batchSize(i)).reduce((x, y) => x + y, 0)
        yield* Effect.gen(function*() {
          const store = yield* MemoryStore
          const memory = yield* store.open(RACE_MEMORY)
          const history = yield* memory.history()
          assert.strictEqual(history.length, 2 * perWriter)
          const sources = history.flatMap((e) => (e.event._tag === "Engrammed" ? e.event.input.facts.map((f) => f.source ?? "") : []))
          assert.strictEqual(new Set(sources).size, 2 * perWriter)
          for (const name of ["a", "b"]) {
            // each writer's own events stay in its order
            const mine = sources.filter((s) => s.startsWith(`${name}:`)).map((s) => s.split(":").slice(1).map(Number))
            assert.strictEqual(mine.length, perWriter)
            for (let k = 1; k < mine.length; k++) {
              const [i0, j0] = mine[k - 1]!
              const [i1, j1] = mine[k]!
              assert.isTrue(i1! > i0! || (i1 === i0 && j1! > j0!), `${name}: out of order at ${k}`)
            }
          }
          assert.isTrue((yield* memory.verify).ok)
          const switches = sources.filter((s, k) => k > 0 && s[0] !== sources[k - 1]![0]).length
          console.log(`concurrent writers: the journal switches writer ${switches} times`)
        }).pipe(Effect.scoped, Effect.provide(MemoryStore.layerSqlite({ home })))
      } finally {
        rmSync(home, { recursive: true, force: true })
      }
    }), 120_000)
})
