/**
 * Config: the per-path models (`--ask-model` / `--write-model`, `openai:<name>` or a GGUF), their
 * LoRA adapters, the fall back to the shared model and to the templates, the usage errors, one
 * model for two paths that name the same one, the `policy` setting, and the store (`sqlite` or a
 * PostgreSQL URL).
 */
import { describe, expect, it } from "vitest"
import { Redacted, Result } from "effect"
import * as NodePath from "node:path"
import * as Config from "./Config.ts"

const ok = (flags: Config.Flags, env: Config.Env = {}) => Result.getOrThrow(Config.resolve(flags, env, "/home/me"))
const usage = (flags: Config.Flags, env: Config.Env = {}): string => {
  const r = Config.resolve(flags, env, "/home/me")
  if (Result.isSuccess(r)) throw new Error("expected a usage error")
  expect(r.failure.kind).toBe("Usage")
  return r.failure.message
}

describe("Config.resolve: per-path models", () => {
  it("unset paths take the shared model, then the templates", () => {
    const none = ok({})
    expect(none.askModel._tag).toBe("None")
    expect(none.writeModel._tag).toBe("None")
    expect(Config.identity(none.askModel)).toEqual({ provider: "template", model: "template" })
    const shared = ok({}, { MAGS_MODEL: "~/m.gguf" })
    expect(shared.askModel).toEqual({ _tag: "Llama", modelPath: "/home/me/m.gguf", threads: 2 })
    expect(shared.writeModel).toEqual(shared.askModel)
    const remote = ok({}, { MAGS_OPENAI_MODEL: "gpt" })
    expect(Config.identity(remote.askModel)).toEqual({ provider: "openai", model: "gpt" })
    expect(Config.identity(remote.writeModel)).toEqual({ provider: "openai", model: "gpt" })
  })

  it("openai:<name> is an endpoint model, anything else a GGUF; a flag wins over its variable", () => {
    const s = ok({ askModel: "openai:gpt-4o-mini" }, {
      MAGS_WRITE_MODEL: "~/w.gguf",
      MAGS_ASK_MODEL: "/other.gguf",
      MAGS_OPENAI_BASE_URL: "http://127.0.0.1:9/"
    })
    expect(s.askModel._tag).toBe("OpenAi")
    if (s.askModel._tag === "OpenAi") expect(s.askModel.endpoint).toMatchObject({ baseUrl: "http://127.0.0.1:9/", model: "gpt-4o-mini" })
    expect(s.writeModel).toEqual({ _tag: "Llama", modelPath: "/home/me/w.gguf", threads: 2 })
    expect(s.model._tag).toBe("None")
    const uri = ok({ writeModel: "hf:user/repo/file.gguf" })
    expect(Config.identity(uri.writeModel)).toEqual({ provider: "llama", model: "hf:user/repo/file.gguf" })
    expect(usage({ askModel: "openai:" })).toContain("names no model")
  })

  it("a LoRA goes to the path's GGUF model, its own or the shared one", () => {
    const s = ok({ askLora: "~/ask.lora.gguf" }, { MAGS_MODEL: "/m/base.gguf", MAGS_WRITE_LORA: "/m/write.lora.gguf" })
    expect(s.askModel).toEqual({ _tag: "Llama", modelPath: "/m/base.gguf", threads: 2, lora: "/home/me/ask.lora.gguf" })
    expect(s.writeModel).toEqual({ _tag: "Llama", modelPath: "/m/base.gguf", threads: 2, lora: "/m/write.lora.gguf" })
    expect(s.model).toEqual({ _tag: "Llama", modelPath: "/m/base.gguf", threads: 2 })
    expect(Config.identity(s.askModel)).toEqual({ provider: "llama", model: "/m/base.gguf", lora: "/home/me/ask.lora.gguf" })
    const own = ok({ writeModel: "/m/w.gguf", writeLora: "/m/w.lora" })
    expect(own.writeModel).toEqual({ _tag: "Llama", modelPath: "/m/w.gguf", threads: 2, lora: "/m/w.lora" })
    expect(own.askModel._tag).toBe("None")
  })

  it("a LoRA on an OpenAI-compatible path, or on a path with no model, is a usage error", () => {
    expect(usage({ askModel: "openai:gpt", askLora: "a.gguf" })).toContain("needs a GGUF model")
    expect(usage({}, { MAGS_OPENAI_MODEL: "gpt", MAGS_WRITE_LORA: "w.gguf" })).toContain("OpenAI-compatible")
    expect(usage({ writeLora: "w.gguf" })).toContain("write path")
    // the other path's GGUF does not make it valid
    expect(usage({ askModel: "/a.gguf", writeModel: "openai:gpt", writeLora: "w.gguf" })).toContain("--write-lora")
  })

  it("the model extractor needs a write model (its own counts)", () => {
    expect(usage({ extractor: "model" })).toContain("model extractor")
    expect(ok({ extractor: "model", writeModel: "/w.gguf" }).extractor).toBe("model")
    expect(usage({ extractor: "model", askModel: "/a.gguf" })).toContain("model extractor")
  })

  it("sameModel: one file with one LoRA (or one endpoint model) is one model", () => {
    const same = ok({ askModel: "/m/a.gguf", writeModel: "/m/a.gguf" })
    expect(Config.sameModel(same.askModel, same.writeModel)).toBe(true)
    const loras = ok({ askLora: "/l1", writeLora: "/l2" }, { MAGS_MODEL: "/m/a.gguf" })
    expect(Config.sameModel(loras.askModel, loras.writeModel)).toBe(false)
    const oneLora = ok({ askLora: "/l1", writeLora: "/l1" }, { MAGS_MODEL: "/m/a.gguf" })
    expect(Config.sameModel(oneLora.askModel, oneLora.writeModel)).toBe(true)
    const files = ok({ askModel: "/m/a.gguf", writeModel: "/m/b.gguf" })
    expect(Config.sameModel(files.askModel, files.writeModel)).toBe(false)
    const remote = ok({ askModel: "openai:gpt" }, { MAGS_OPENAI_MODEL: "gpt" })
    expect(Config.sameModel(remote.askModel, remote.writeModel)).toBe(true)
    expect(Config.sameModel(remote.askModel, files.askModel)).toBe(false)
  })

  it("describe names each path's model only when they differ", () => {
    expect(Config.describe(ok({}, { MAGS_MODEL: "/m/a.gguf" }))).toContain("model gguf /m/a.gguf (threads 2) ·")
    const split = Config.describe(ok({ askModel: "openai:gpt", writeModel: "/m/w.gguf", writeLora: "/m/l.gguf" }))
    expect(split).toContain("model ask openai gpt at https://api.openai.com, write gguf /m/w.gguf + lora /m/l.gguf (threads 2) ·")
  })
})

describe("Config.resolve: tools", () => {
  it("on by default; --tools over MAGS_TOOLS; anything but on / off is a usage error", () => {
    expect(ok({}).tools).toBe(true)
    expect(ok({}, { MAGS_TOOLS: "off" }).tools).toBe(false)
    expect(ok({ tools: "on" }, { MAGS_TOOLS: "off" }).tools).toBe(true)
    expect(Config.describe(ok({ tools: "off" }))).toContain(" · tools off")
    expect(usage({ tools: "no" })).toContain(`tools must be "on" or "off"`)
  })
})

describe("Config.resolve: policy", () => {
  it("absent by default; --policy over MAGS_POLICY, resolved against the working directory", () => {
    expect(ok({}).policy).toBeUndefined()
    expect(ok({}, { MAGS_POLICY: "p.json" }).policy).toBe(NodePath.resolve("p.json"))
    expect(ok({ policy: "/abs/q.json" }, { MAGS_POLICY: "p.json" }).policy).toBe("/abs/q.json")
    expect(ok({ policy: "~/q.json" }).policy).toBe("/home/me/q.json")
    expect(Config.describe(ok({ policy: "/abs/q.json" }))).toMatch(/ · policy \/abs\/q\.json$/)
  })
})

describe("Config.resolve: the store", () => {
  it("SQLite by default and for `sqlite`; a postgres URL selects PostgreSQL (flag over variable), held redacted", () => {
    expect(ok({}).store).toEqual({ _tag: "Sqlite" })
    expect(ok({}, { MAGS_STORE: "SQLite" }).store).toEqual({ _tag: "Sqlite" })
    const pg = ok({}, { MAGS_STORE: "postgres://me:pw@db:5432/mags" }).store
    expect(pg._tag).toBe("Postgres")
    if (pg._tag === "Postgres") expect(Redacted.value(pg.url)).toBe("postgres://me:pw@db:5432/mags")
    expect(String(pg)).not.toContain("pw")
    expect(Config.describeStore(pg)).toBe("postgres://me:***@db:5432/mags")
    const flag = ok({ store: "postgresql://h/other" }, { MAGS_STORE: "postgres://db/mags" }).store
    expect(flag._tag === "Postgres" && Redacted.value(flag.url)).toBe("postgresql://h/other")
    expect(Config.describe(ok({}, { MAGS_STORE: "postgres://me:pw@db/mags" }))).toContain("store postgres://me:***@db/mags")
  })

  it("anything else is a usage error that does not print the password", () => {
    const message = usage({}, { MAGS_STORE: "mysql://me:pw@db/x" })
    expect(message).toMatch(/store must be "sqlite" or a postgres:\/\/ URL/)
    expect(message).not.toContain("pw")
  })
})
