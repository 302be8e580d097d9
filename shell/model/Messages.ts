/**
 * Messages — an `effect/ai` `Prompt` flattened into plain role/text chat messages, the form both
 * of our providers send (node-llama-cpp chat history, OpenAI `messages`).
 *
 * Only text is carried: system text, user text parts, assistant text parts (reasoning parts are
 * dropped, as a provider's own reasoning is not input). Files, tool calls and tool results are
 * refused with an `AiError` (`InvalidUserInputError`): neither provider here offers tools, and
 * silently dropping a part would change what the model is asked.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { AiError, type Prompt } from "effect/ai"

/** One chat message as plain text. */
export interface Message {
  readonly role: "system" | "user" | "assistant"
  readonly content: string
}

/**
 * The prompt as role/text messages, in order.
 *
 * Laws: one message per prompt message; text parts of one message are joined with `"\n"`.
 * @complexity O(total text)
 * @example
 * ```ts
 * toMessages(Prompt.make("hi"), "Llama", "generateText") // succeeds with [{ role: "user", content: "hi" }]
 * ```
 */
export const toMessages = (
  prompt: Prompt.Prompt,
  module: string,
  method: string
): Effect.Effect<ReadonlyArray<Message>, AiError.AiError> => {
  const refuse = (description: string) =>
    Effect.fail(AiError.make({ module, method, reason: new AiError.InvalidUserInputError({ description }) }))
  const out: Array<Message> = []
  for (const message of prompt.content) {
    switch (message.role) {
      case "system":
        out.push({ role: "system", content: message.content })
        break
      case "user":
      case "assistant": {
        const texts: Array<string> = []
        for (const part of message.content) {
          if (part.type === "text") texts.push(part.text)
          else if (part.type !== "reasoning") {
            return refuse(`${message.role} message part "${part.type}" is not supported by ${module} (text only)`)
          }
        }
        out.push({ role: message.role, content: texts.join("\n") })
        break
      }
      case "tool":
        return refuse(`tool messages are not supported by ${module} (no tools)`)
    }
  }
  return Effect.succeed(out)
}
