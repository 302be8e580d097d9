/**
 * node-llama-cpp provider against the two tiny GGUF models in ../shared/models (plumbing only:
 * their answers are gibberish, so nothing here checks answer quality — only that text comes
 * back, that grammar-constrained JSON decodes with Schema, that greedy decoding is repeatable,
 * and that load failures are typed). Skipped, with a message, when ../shared/models is absent.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema, Stream } from "effect"
import { LanguageModel } from "effect/ai"
import * as NodeOs from "node:os"
import * as MetaTokens from "../loop/MetaTokens.ts"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import { fileURLToPath } from "node:url"
import * as Llama from "./Llama.ts"
import type { Message } from "./Messages.ts"
import * as Models from "./Models.ts"

const repoRoot = fileURLToPath(new URL("../..", import.meta.url))
const modelsDir = NodePath.join(repoRoot, "..", "shared", "models")
const haveModels = NodeFs.existsSync(NodePath.join(modelsDir, "stories260K.gguf")) &&
  NodeFs.existsSync(NodePath.join(modelsDir, "llama-2-tiny-random.gguf"))
if (!haveModels) console.warn(`[Llama.test] SKIPPED: test models not found in ${modelsDir}`)

// Bounded strings keep gibberish answers short enough to finish inside maxTokens.
const Reading = Schema.Struct({
  subject: Schema.String.check(Schema.isMaxLength(16)),
  relation: Schema.String.check(Schema.isMaxLength(16)),
  negated: Schema.Boolean,
  tense: Schema.Literals(["past", "present", "future"]),
  when: Schema.NullOr(Schema.Boolean)
})

const settings = (file: string): Models.LlamaOptions => ({
  modelPath: NodePath.join(modelsDir, file),
  threads: 1,
  contextSize: 512,
  maxTokens: 160
})

describe("Llama.toGbnfJsonSchema", () => {
  it("keeps structure, drops numeric bounds, closes declared objects, maps anyOf to oneOf, merges allOf", () => {
    assert.deepStrictEqual(
      Llama.toGbnfJsonSchema({
        type: "object",
        properties: {
          a: { type: "integer", minimum: 0 },
          b: { anyOf: [{ type: "string", maxLength: 3, pattern: "x" }, { type: "null" }] },
          c: { type: "array", items: { enum: ["p", "q"] }, maxItems: 2 },
          d: { type: "string", allOf: [{ minLength: 1 }, { maxLength: 9 }] },
          e: { $ref: "#/$defs/E" }
        },
        required: ["a", "b"],
        additionalProperties: true,
        $defs: { E: { type: "boolean" } }
      }),
      {
        type: "object",
        properties: {
          a: { type: "integer" },
          b: { oneOf: [{ type: "string", maxLength: 3 }, { type: "null" }] },
          c: { type: "array", items: { enum: ["p", "q"] }, maxItems: 2 },
          d: { type: "string", minLength: 1, maxLength: 9 },
          e: { $ref: "#/$defs/E" }
        },
        required: ["a", "b"],
        additionalProperties: false,
        $defs: { E: { type: "boolean" } }
      } as never
    )
  })

  it("an empty schema allows any JSON value; a free-form object stays open", () => {
    assert.deepStrictEqual(Object.keys(Llama.toGbnfJsonSchema({})), ["oneOf"])
    assert.deepStrictEqual(Llama.toGbnfJsonSchema({ type: "object" }), {
      type: "object", properties: {}, required: [], additionalProperties: true
    } as never)
  })
})

describe("Llama function calling: the translation", () => {
  const generic = { call: {}, result: {} } as never

  it("supportsFunctionCalling: a wrapper with its own syntax, or a Jinja template whose tool syntax was recognised", () => {
    const wrapper = (functions: unknown, jinja?: boolean) =>
      ({ settings: { functions }, ...(jinja === undefined ? {} : { usingJinjaFunctionCallTemplate: jinja }) }) as never
    assert.isFalse(Llama.supportsFunctionCalling(wrapper(generic), generic))
    assert.isTrue(Llama.supportsFunctionCalling(wrapper({ call: { prefix: "<tool_call>" } }), generic))
    assert.isTrue(Llama.supportsFunctionCalling(wrapper(generic, true), generic))
    assert.isFalse(Llama.supportsFunctionCalling(wrapper({ call: {} }, false), generic))
  })

  it("toFunctions: each tool's description and grammar-ready parameter schema", () => {
    const functions = Llama.toFunctions(Object.values(MetaTokens.MemoryToolkit.tools))
    assert.deepStrictEqual(Object.keys(functions).sort(), ["connect", "engram", "recall"])
    const recall = functions.recall as { description?: string; params?: { type?: string; properties?: object; required?: unknown } }
    assert.include(recall.description, "Recall")
    assert.strictEqual(recall.params?.type, "object")
    assert.deepStrictEqual(Object.keys(recall.params?.properties ?? {}), ["query"])
    assert.deepStrictEqual(recall.params?.required, ["query"])
  })

  it("toChatHistory: tool calls and their results become one model response; after results it is continued", () => {
    const messages: Array<Message> = [
      { role: "system", content: "sys" },
      { role: "user", content: "Where does Alice live?" },
      { role: "assistant", content: "Let me look.", toolCalls: [{ id: "a", name: "recall", params: { query: "Alice" } }, { id: "b", name: "nope", params: "{bad" }] },
      { role: "tool", toolCallId: "a", name: "recall", content: "Alice lives in Paris", isFailure: false },
      { role: "tool", toolCallId: "b", name: "nope", content: "unknown tool", isFailure: true }
    ]
    assert.deepStrictEqual(Llama.toChatHistory(messages), [
      { type: "system", text: "sys" },
      { type: "user", text: "Where does Alice live?" },
      {
        type: "model",
        response: [
          "Let me look.",
          { type: "functionCall", name: "recall", params: { query: "Alice" }, result: "Alice lives in Paris" },
          { type: "functionCall", name: "nope", params: "{bad", result: { error: "unknown tool" } }
        ]
      }
    ])
    // a final user message opens a new, empty model response
    assert.deepStrictEqual(Llama.toChatHistory([...messages, { role: "user", content: "And Bob?" }])!.slice(-2), [
      { type: "user", text: "And Bob?" },
      { type: "model", response: [] }
    ])
    // ending with the model's own text, or with nothing, is not a request
    assert.isUndefined(Llama.toChatHistory([{ role: "user", content: "x" }, { role: "assistant", content: "y", toolCalls: [] }]))
    assert.isUndefined(Llama.toChatHistory([]))
  })
})

describe("Llama model URIs fail fast offline", () => {
  it.live("an hf: URI that is not in the models directory and cannot be fetched → ModelLoadError ResolveFailed, bounded", () =>
    Effect.gen(function*() {
      const directory = NodeFs.mkdtempSync(NodePath.join(NodeOs.tmpdir(), "mags-models-"))
      const error = yield* Effect.flip(Llama.resolvePath({
        modelPath: "hf:mags-test/no-such-repo/no-such-model.Q4_K_M.gguf",
        modelsDirectory: directory,
        resolveTimeoutMs: 3_000
      }))
      NodeFs.rmSync(directory, { recursive: true, force: true })
      assert.strictEqual(error._tag, "ModelLoadError")
      assert.strictEqual(error.reason, "ResolveFailed")
      assert.include(error.message, "hf:mags-test/no-such-repo/no-such-model.Q4_K_M.gguf")
      assert.notInclude(error.message, "\n")
    }), 20_000) // the bound: the resolution gives up by itself, well within the test's timeout

  it.live.skipIf(!haveModels)("an hf: URI whose file is already in the models directory resolves offline, without waiting", () =>
    Effect.gen(function*() {
      const directory = NodeFs.mkdtempSync(NodePath.join(NodeOs.tmpdir(), "mags-models-"))
      const cached = NodePath.join(directory, "hf_mags-test_tiny_stories260K.gguf")
      NodeFs.copyFileSync(NodePath.join(modelsDir, "stories260K.gguf"), cached)
      // a 60 s allowance against the test's 20 s timeout: passing means it was found, not fetched
      const path = yield* Llama.resolvePath({ modelPath: "hf:mags-test/tiny/stories260K.gguf", modelsDirectory: directory, resolveTimeoutMs: 60_000 })
      NodeFs.rmSync(directory, { recursive: true, force: true })
      assert.strictEqual(path, cached)
    }), 20_000)
})

describe.skipIf(!haveModels)("Llama provider on the tiny GGUF models", () => {
  for (const file of ["stories260K.gguf", "llama-2-tiny-random.gguf"]) {
    it.live(`${file}: loads, answers text, repeats greedy answers, streams the same text`, () =>
      Effect.gen(function*() {
        const model = yield* LanguageModel.LanguageModel
        const first = yield* model.generateText({ prompt: "Once upon a time" })
        assert.isString(first.text)
        assert.isAbove(first.text.length, 0)
        assert.include(["stop", "length"], first.finishReason)
        const again = yield* model.generateText({ prompt: "Once upon a time" })
        assert.strictEqual(again.text, first.text, "temperature 0 is deterministic")
        const parts = yield* Stream.runCollect(model.streamText({ prompt: "Once upon a time" }))
        const streamed = parts.flatMap((p) => (p.type === "text-delta" ? [p.delta] : [])).join("")
        assert.strictEqual(streamed, first.text)
        assert.strictEqual(parts.at(-1)?.type, "finish")
      }).pipe(Effect.provide(Models.layerLlama(settings(file)))))

    it.live(`${file}: a JSON-schema grammar answer decodes with Schema on the first request`, () =>
      Effect.gen(function*() {
        const model = yield* LanguageModel.LanguageModel
        const response = yield* model.generateObject({ prompt: "Alice moved to Paris in 2021.", schema: Reading, objectName: "reading" })
        assert.isTrue(Schema.is(Reading)(response.value))
        assert.deepStrictEqual(JSON.parse(response.text), Schema.encodeSync(Reading)(response.value))
        // System messages and history are accepted.
        const withHistory = yield* Models.generateObject(Reading, [
          { role: "system", content: "Answer in JSON." },
          { role: "user", content: [{ type: "text", text: "Bob works at Acme." }] },
          { role: "assistant", content: [{ type: "text", text: "{}" }] },
          { role: "user", content: [{ type: "text", text: "Again." }] }
        ])
        assert.isTrue(Schema.is(Reading)(withHistory))
      }).pipe(Effect.provide(Models.layerLlama(settings(file)))))
  }

  it.live("earlier messages reach the model: the same last question with a history is answered differently", () =>
    Effect.gen(function*() {
      const alone = yield* LanguageModel.generateText({ prompt: "Once upon a time" })
      const withHistory = yield* LanguageModel.generateText({
        prompt: [
          { role: "system", content: "Tell a story about a dog named Max." },
          { role: "user", content: [{ type: "text", text: "The dog ran to the park." }] },
          { role: "assistant", content: [{ type: "text", text: "Max played with a red ball all day." }] },
          { role: "user", content: [{ type: "text", text: "Once upon a time" }] }
        ]
      })
      assert.notStrictEqual(withHistory.text, alone.text)
    }).pipe(Effect.provide(Models.layerLlama(settings("stories260K.gguf")))))

  it.live("concurrent requests are served one at a time and answer as sequential ones do", () =>
    Effect.gen(function*() {
      const prompts = ["Once upon a time", "The cat sat", "Lily had a ball"]
      const sequential = yield* Effect.forEach(prompts, (prompt) => LanguageModel.generateText({ prompt }))
      const concurrent = yield* Effect.forEach(prompts, (prompt) => LanguageModel.generateText({ prompt }), { concurrency: "unbounded" })
      assert.deepStrictEqual(concurrent.map((r) => r.text), sequential.map((r) => r.text))
    }).pipe(Effect.provide(Models.layerLlama(settings("stories260K.gguf")))))

  it.live("a model without function calling (no chat template) offered tools answers text: the meta tokens remain", () =>
    Effect.gen(function*() {
      const toolkit = yield* MetaTokens.memoryToolkitUnresolved
      const plain = yield* LanguageModel.generateText({ prompt: "Once upon a time" })
      const offered = yield* LanguageModel.generateText({
        prompt: "Once upon a time",
        toolkit,
        disableToolCallResolution: true,
        toolCallValidation: "deferred"
      })
      assert.strictEqual(offered.text, plain.text, "the toolkit is ignored, not documented into the prompt")
      assert.deepStrictEqual(offered.toolCalls, [])
    }).pipe(Effect.provide(Models.layerLlama(settings("llama-2-tiny-random.gguf")))))

  it.live("a prompt ending with tool results continues the model's response (history with function calls)", () =>
    Effect.gen(function*() {
      const response = yield* LanguageModel.generateText({
        prompt: [
          { role: "user", content: "Once upon a time" },
          { role: "assistant", content: [{ type: "tool-call", id: "c1", name: "recall", params: { query: "Lily" } }] },
          { role: "tool", content: [{ type: "tool-result", id: "c1", name: "recall", result: "Lily has a ball", isFailure: false }] }
        ]
      })
      assert.isString(response.text)
      assert.include(["stop", "length"], response.finishReason)
    }).pipe(Effect.provide(Models.layerLlama(settings("stories260K.gguf")))))

  it.live("a prompt that does not end with a user message is refused with InvalidUserInputError", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(LanguageModel.generateText({
        prompt: [{ role: "system", content: "only a system message" }]
      }))
      assert.strictEqual(error.reason._tag, "InvalidUserInputError")
    }).pipe(Effect.provide(Models.layerLlama(settings("stories260K.gguf")))))
})

describe("Llama load failures are typed", () => {
  it.live("a missing model file → ModelLoadError NotFound (the runtime is not started)", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.scoped(Llama.make({ modelPath: NodePath.join(repoRoot, "no-such-model.gguf") })))
      assert.strictEqual(error._tag, "ModelLoadError")
      assert.strictEqual(error.reason, "NotFound")
      assert.include(error.message, "no-such-model.gguf")
      const viaLayer = yield* Effect.flip(Effect.provide(LanguageModel.generateText({ prompt: "x" }), Models.layerLlama({ modelPath: "/nonexistent/m.gguf" })))
      assert.strictEqual(viaLayer._tag, "ModelLoadError")
    }))

  it.live("a file that is not GGUF → ModelLoadError LoadFailed", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.scoped(Llama.make({ modelPath: NodePath.join(repoRoot, "package.json"), threads: 1 })))
      assert.strictEqual(error.reason, "LoadFailed")
    }))

  it.live.skipIf(!haveModels)("a missing LoRA adapter → ModelLoadError NotFound", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.scoped(Llama.make({ ...settings("stories260K.gguf"), lora: "/nonexistent/adapter.gguf" })))
      assert.strictEqual(error.reason, "NotFound")
      assert.include(error.message, "LoRA")
    }))
})
