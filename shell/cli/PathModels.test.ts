/**
 * Per-path models through the CLI (`--ask-model` / `--write-model`, their LoRA flags; see
 * `shell/app/Config.ts`): the usage errors, `ask --json`'s `router`, `models` and `answeredBy`,
 * the README's "Per-path models" lines, `--policy` on every command (its controller's decisions in
 * `ask --json` and `recall --json`, a bad policy file refused); `openai:<name>` per path
 * against a loopback OpenAI-compatible server (each turn reaches its path's model; tool calls,
 * invalid ones and `--tools off` as `ask --json` shows them); and — with the two tiny
 * GGUFs of ../shared/models — proof that each path runs ITS OWN model: a turn's answer on a
 * split configuration is, token for token, what that path's model alone answers (greedy
 * decoding on a fresh memory), and not what the other path's model answers. The GGUF tests
 * skip, with a message, when ../shared/models is absent.
 */
import { afterAll, describe, expect, it } from "vitest"
import { Effect, Schema } from "effect"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import * as Controller from "../../core/Controller.ts"
import * as Policy from "../../core/Policy.ts"
import * as Views from "../app/Views.ts"
import * as Loopback from "../testing/Loopback.ts"
import { exitCodes } from "./Errors.ts"
import { dbState, mags, magsAsync, ROOT, type Run, tempDir } from "./testing.ts"

const modelsDir = NodePath.join(ROOT, "..", "shared", "models")
const STORIES = NodePath.join(modelsDir, "stories260K.gguf")
const RANDOM = NodePath.join(modelsDir, "llama-2-tiny-random.gguf")
const haveModels = NodeFs.existsSync(STORIES) && NodeFs.existsSync(RANDOM)
if (!haveModels) console.warn(`[PathModels.test] SKIPPED (the GGUF tests): test models not found in ${modelsDir}`)

const dirs: Array<string> = []
const home = (): string => {
  const d = tempDir("mags-paths-")
  dirs.push(d)
  return d
}
afterAll(() => {
  for (const d of dirs) NodeFs.rmSync(d, { recursive: true, force: true })
})

/** A policy file that always takes `recall` and `maintain` (the hand-written action elsewhere). */
const policyFile = (recall: string, maintain: string): string => {
  const policy = Policy.initial(Controller.SPEC, () => 0, (head, action) =>
    (head === "recall" && action === recall) || (head === "maintain" && action === maintain) ? 5 : 0
  )
  const file = NodePath.join(home(), "policy.json")
  NodeFs.writeFileSync(file, JSON.stringify({ format: Controller.FORMAT, policy: { spec: policy.spec, theta: policy.theta }, trained: {} }))
  return file
}

const view = (r: Run): Views.TurnView => {
  expect(r.code, r.stderr).toBe(0)
  const lines = r.stdout.split("\n").filter((l) => l.length > 0)
  expect(lines).toHaveLength(1)
  return Schema.decodeUnknownSync(Views.TurnView)(JSON.parse(lines[0]!))
}

// one CPU thread per model: with two, llama.cpp's threads spin against each other (and other
// tests) on a small machine and a 6-second run takes a minute
const GGUF_ENV = { MAGS_EMBEDDINGS: "test", MAGS_THREADS: "1" }

const QUESTION = "Where does Kim live?"
const STATEMENT = "Kim moved to Gdansk."

describe("per-path models: configuration", () => {
  it("a LoRA on an OpenAI-compatible path is a usage error (exit 2), before anything is loaded or written", () => {
    for (const [args, env] of [
      [["--ask-model", "openai:gpt-4o-mini", "--ask-lora", "adapter.gguf"], {}],
      [["--write-lora", "adapter.gguf"], { MAGS_OPENAI_MODEL: "gpt-4o-mini" }],
      [[], { MAGS_WRITE_MODEL: "openai:gpt-4o-mini", MAGS_WRITE_LORA: "adapter.gguf" }]
    ] as const) {
      const h = home()
      const r = mags(["ask", QUESTION, ...args], { MAGS_HOME: h, MAGS_EMBEDDINGS: "test", ...env })
      expect(r.code, r.stderr).toBe(exitCodes.Usage)
      expect(r.stderr).toMatch(/^mags: a LoRA adapter \(--(ask|write)-lora \/ MAGS_(ASK|WRITE)_LORA\) needs a GGUF model, but the (ask|write) path's model is the OpenAI-compatible "gpt-4o-mini"\n$/)
      expect(r.stdout).toBe("")
      expect(dbState(h)).toBeUndefined()
    }
  })

  it("with no model, ask --json reports the template on both paths and the router's sentences", () => {
    const t = view(mags(["ask", `${STATEMENT} ${QUESTION}`, "--json"], { MAGS_HOME: home(), MAGS_EMBEDDINGS: "test" }))
    expect(t.route).toBe("both")
    expect(t.router).toEqual({
      route: "both",
      sentences: [{ text: STATEMENT, kind: "statement" }, { text: QUESTION, kind: "question" }]
    })
    expect(t.models).toEqual({ ask: { provider: "template", model: "template" }, write: { provider: "template", model: "template" } })
    expect(t.answeredBy).toBe("ask")
    const w = view(mags(["ask", STATEMENT, "--json"], { MAGS_HOME: home(), MAGS_EMBEDDINGS: "test" }))
    expect([w.route, w.router.route, w.answeredBy]).toEqual(["write", "write", "write"])
  })

  it("--policy reaches every command's settings (init names it; serve and mcp take it)", () => {
    const env = { MAGS_HOME: home(), MAGS_EMBEDDINGS: "test" }
    const file = policyFile("default", "no")
    const relative = NodePath.relative(ROOT, file)
    for (const args of [["init", "--policy", relative], ["--policy", relative, "init"]]) {
      const r = mags(args, env)
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toContain(` · policy ${file}`)
    }
    expect(mags(["init"], { ...env, MAGS_POLICY: file }).stdout).toContain(` · policy ${file}`)
    const mcp = mags(["mcp", "--policy", file], env, "")
    expect(mcp.code, mcp.stderr).toBe(0)
    expect(mags(["serve", "--help"], env).stdout).toContain("--policy")
  })

  it("ask and recall run under the --policy controller: its decisions in --json, its housekeeping in the journal", () => {
    const env = { MAGS_HOME: home(), MAGS_EMBEDDINGS: "test" }
    const file = policyFile("deep", "yes")
    const told = view(mags(["ask", STATEMENT, "--json", "--policy", file], env))
    expect(told.controller).toEqual({ recall: "deep", maintain: "yes", policy: file })
    const asked = view(mags(["ask", QUESTION, "--json"], { ...env, MAGS_POLICY: file }))
    expect(asked.controller).toEqual({ recall: "deep", maintain: "yes", policy: file })
    const journal = dbState(env.MAGS_HOME)!.journal
    for (const tag of ["Decayed", "Pruned", "Consolidated"]) expect(journal, tag).toContain(`"_tag":"${tag}"`)
    const recall = mags(["recall", QUESTION, "--json", "--policy", file], env)
    expect(recall.code, recall.stderr).toBe(0)
    expect(Schema.decodeUnknownSync(Views.RecallView)(JSON.parse(recall.stdout)).controller).toBe("deep")
    // without a policy: the hand-written rules
    const hand = view(mags(["ask", QUESTION, "--json"], env))
    expect(hand.controller).toEqual({ recall: "default", maintain: "no", policy: null })
  })

  it("a --policy file that is missing or not a policy: one line, BadInput's exit code, nothing written", () => {
    const bad = NodePath.join(home(), "bad.json")
    NodeFs.writeFileSync(bad, "{not json")
    for (const file of ["/nonexistent/policy.json", bad]) {
      for (const args of [["ask", QUESTION, "--json"], ["recall", QUESTION]]) {
        const h = home()
        const r = mags([...args, "--policy", file], { MAGS_HOME: h, MAGS_EMBEDDINGS: "test" })
        expect(r.code, r.stderr).toBe(exitCodes.BadInput)
        expect(r.stderr.split("\n").filter((l) => l.length > 0)).toHaveLength(1)
        expect(r.stderr).toContain(file)
        expect(r.stdout).toBe("")
        expect(dbState(h)).toBeUndefined()
      }
    }
  })
})

interface ChatBody {
  readonly model: string
  readonly messages: ReadonlyArray<{ readonly role: string; readonly content?: string | null; readonly tool_call_id?: string }>
  readonly tools?: ReadonlyArray<{ readonly function: { readonly name: string } }>
}

/**
 * A loopback OpenAI-compatible chat server (`Loopback.server`) playing two models: `writer`
 * answers "Noted."; `asker` answers "Where does Kim live?" with a `recall` tool call, then — with
 * its tool message — with text, and "Who is Kim?" with a call to a tool that does not exist,
 * then text; without `tools` in the request it answers at once. Every request body is kept.
 */
const chatServer = Loopback.server<ChatBody>((seen) => (req, res) => {
  let raw = ""
  req.on("data", (c: Buffer) => (raw += c.toString("utf8")))
  req.on("end", () => {
    const body = JSON.parse(raw) as ChatBody
    seen.push(body)
    const user = [...body.messages].reverse().find((m) => m.role === "user")?.content ?? ""
    const answered = body.messages.some((m) => m.role === "tool")
    const call = (name: string, args: string) => ({
      content: null,
      tool_calls: [{ id: `call_${seen.length}`, type: "function", function: { name, arguments: args } }]
    })
    const message = body.model === "writer" || body.tools === undefined || answered
      ? { content: body.model === "writer" ? "Noted." : `${body.model} answers.` }
      : user.includes("Who is Kim")
      ? call("erase_everything", "{}")
      : call("recall", JSON.stringify({ query: "Kim" }))
    res.writeHead(200, { "content-type": "application/json" })
    res.end(JSON.stringify({
      model: body.model,
      choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: message.content === null ? "tool_calls" : "stop" }]
    }))
  })
})

describe("per-path models over an OpenAI-compatible endpoint", () => {
  it("openai:<name> per path: each turn asks its path's model; tool calls and invalid ones show in ask --json; --tools off sends none", () =>
    Effect.runPromise(Effect.scoped(Effect.gen(function*() {
      const server = yield* chatServer
      const env = { MAGS_HOME: home(), MAGS_EMBEDDINGS: "test", MAGS_OPENAI_BASE_URL: server.url, MAGS_OPENAI_API_KEY: "sk-test" }
      const paths = ["--ask-model", "openai:asker", "--write-model", "openai:writer"]
      const turn = (text: string, ...more: Array<string>) =>
        Effect.promise(async () => {
          const from = server.seen.length
          const t = view(await magsAsync(["ask", text, "--json", ...paths, ...more], env, 60_000))
          return { t, requests: server.seen.slice(from) }
        })
      const models = { ask: { provider: "openai", model: "asker" }, write: { provider: "openai", model: "writer" } }

      const write = yield* turn(STATEMENT)
      expect(write.t.models).toEqual(models)
      expect([write.t.answeredBy, write.t.answer]).toEqual(["write", "Noted."])
      expect(write.requests.map((b) => b.model)).toEqual(["writer"])

      const ask = yield* turn(QUESTION)
      expect([ask.t.answeredBy, ask.t.answer]).toEqual(["ask", "asker answers."])
      expect(ask.requests.map((b) => b.model)).toEqual(["asker", "asker"])
      expect(ask.requests[0]!.tools?.map((x) => x.function.name).sort()).toEqual(["connect", "engram", "recall"])
      expect(ask.t.toolCalls).toHaveLength(1)
      expect(ask.t.toolCalls[0]).toMatchObject({ round: 1, name: "recall", outcome: "run" })
      expect(ask.t.malformed).toEqual([])

      const invalid = yield* turn("Who is Kim?")
      expect(invalid.t.toolCalls.map((c) => [c.name, c.outcome])).toEqual([["erase_everything", "invalid"]])
      expect(invalid.t.malformed).toHaveLength(1)
      expect(invalid.t.malformed[0]!.round).toBe(1)

      const off = yield* turn(QUESTION, "--tools", "off")
      expect(off.requests.map((b) => [b.model, b.tools])).toEqual([["asker", undefined]])
      expect(off.t.toolCalls).toEqual([])
    }))), 120_000)
})

/** The shell lines of the README's "Per-path models" section that set `MAGS_…` variables: `[env, args, expected exit]`. */
const readmeLines = (): Array<{ line: string; env: Record<string, string>; args: Array<string>; exit: number }> => {
  const readme = NodeFs.readFileSync(NodePath.join(ROOT, "README.md"), "utf8")
  const start = readme.indexOf("### Per-path models")
  expect(start).toBeGreaterThan(0)
  const section = readme.slice(start, readme.indexOf("\n## ", start))
  const lines = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((b) => b[1]!.split("\n")).map((l) => l.trim())
    .filter((l) => l.startsWith("MAGS_"))
  return lines.map((line) => {
    const exit = /#\s*exit (\d+)/.exec(line)
    const words = [...line.replace(/#.*$/, "").matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!)
    const env: Record<string, string> = {}
    while (words.length > 0 && /^MAGS_[A-Z_]+=/.test(words[0]!)) {
      const w = words.shift()!
      env[w.slice(0, w.indexOf("="))] = w.slice(w.indexOf("=") + 1)
    }
    expect(words.slice(0, 2), line).toEqual(["npx", "mags"])
    return { line, env, args: words.slice(2), exit: exit === null ? 0 : Number(exit[1]) }
  })
}

describe.skipIf(!haveModels)("per-path models: each path runs its own GGUF", () => {
  it("the README's MAGS_… lines run as written, with the exit codes they state", async () => {
    const lines = readmeLines()
    expect(lines.length).toBeGreaterThanOrEqual(3)
    for (const { args, env, exit, line } of lines) {
      const r = await magsAsync(args, { MAGS_HOME: home(), ...GGUF_ENV, ...env }, 120_000)
      expect(r.code, `${line}\n${r.stderr}`).toBe(exit)
      if (exit === 0 && args.includes("--json")) {
        const t = view(r)
        expect(t.models.ask.model).toBe(env.MAGS_ASK_MODEL)
        expect(t.models.write.model).toBe(env.MAGS_WRITE_MODEL)
      }
    }
  }, 300_000)

  it("a path's LoRA reaches its GGUF model: a missing adapter file is ModelMissing (exit 3), nothing written", () => {
    const h = home()
    const r = mags(["ask", QUESTION, "--ask-model", STORIES, "--ask-lora", "/nonexistent/ask-lora.gguf"], { MAGS_HOME: h, ...GGUF_ENV })
    expect(r.code, r.stderr).toBe(exitCodes.ModelMissing)
    expect(r.stderr).toMatch(/^mags: .*not found: \/nonexistent\/ask-lora\.gguf\n$/)
    expect(dbState(h)).toBeUndefined()
  })

  it("ask → stories260K, write → llama-2-tiny-random: reported, and each answer is its own model's", async () => {
    const split = ["--ask-model", STORIES, "--write-model", RANDOM]
    const ask = (text: string, args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
      magsAsync(["ask", text, "--json", ...args], { MAGS_HOME: home(), ...GGUF_ENV, ...env }, 120_000).then(view)
    // two at a time: each run loads its model(s) and generates greedily on a fresh memory
    const [question, questionStories] = await Promise.all([ask(QUESTION, split), ask(QUESTION, [], { MAGS_MODEL: STORIES })])
    const [statement, statementRandom] = await Promise.all([ask(STATEMENT, split), ask(STATEMENT, [], { MAGS_MODEL: RANDOM })])
    const [questionRandom, statementStories] = await Promise.all([
      ask(QUESTION, [], { MAGS_MODEL: RANDOM }),
      ask(STATEMENT, [], { MAGS_MODEL: STORIES })
    ])

    const models = { ask: { provider: "llama", model: STORIES }, write: { provider: "llama", model: RANDOM } }
    expect(question.models).toEqual(models)
    expect(statement.models).toEqual(models)
    expect([question.route, question.answeredBy, question.router.sentences[0]?.kind]).toEqual(["ask", "ask", "question"])
    expect([statement.route, statement.answeredBy, statement.router.sentences[0]?.kind]).toEqual(["write", "write", "statement"])
    expect(question.rounds).toBeGreaterThan(0)
    expect(statement.rounds).toBeGreaterThan(0)

    // the ask path answered with stories260K, the write path with llama-2-tiny-random …
    expect(question.answer).toBe(questionStories.answer)
    expect(statement.answer).toBe(statementRandom.answer)
    // … and not with the other path's model
    expect(question.answer).not.toBe(questionRandom.answer)
    expect(statement.answer).not.toBe(statementStories.answer)
  }, 300_000)
})
