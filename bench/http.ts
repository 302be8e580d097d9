/**
 * http — the benches' HTTP client for `mags serve` (`serve.ts`, `cluster.ts`): one request over a
 * keep-alive `node:http` agent with a bearer token and a JSON body, answered with its status,
 * body text and headers. Closed-loop clients call it in a loop, one request at a time each.
 */
import * as Http from "node:http"

/** An answer: status, body text, headers (names in lower case). */
export interface Answer {
  readonly status: number
  readonly body: string
  readonly headers: Http.IncomingHttpHeaders
}

/**
 * Sends one request (`body`, when given, as JSON) with `authorization: Bearer <token>`; resolves
 * with the whole answer, rejects on a connection error.
 * @complexity O(size of the body and of the answer)
 */
export const request = (agent: Http.Agent, token: string, url: string, method: string, body?: unknown): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body)
    const req = Http.request(url, {
      method,
      agent,
      headers: {
        authorization: `Bearer ${token}`,
        ...(text === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(text) })
      }
    }, (res) => {
      const chunks: Array<Buffer> = []
      res.on("data", (c: Buffer) => chunks.push(c))
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), headers: res.headers }))
      res.on("error", reject)
    })
    req.on("error", reject)
    if (text !== undefined) req.write(text)
    req.end()
  })
