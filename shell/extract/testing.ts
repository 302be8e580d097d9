/**
 * Test helpers of the extractor tests: a triple as a short comparable row.
 */
import type { Triple } from "./Triple.ts"

/** A triple as a short row: [subject, relation, object] plus the flags that are set. */
export const row = (x: Triple): ReadonlyArray<unknown> => [
  x.subject, x.relation, x.object,
  ...(x.negated ? ["negated"] : []),
  ...(x.change === true ? ["change"] : []),
  ...(x.validFrom !== null ? [`from ${new Date(x.validFrom).toISOString().slice(0, 10)}`] : []),
  ...(x.validUntil !== null && x.validUntil !== undefined ? [`until ${new Date(x.validUntil).toISOString().slice(0, 10)}`] : [])
]

/** Every triple as a row, in order. */
export const rows = (out: ReadonlyArray<Triple>): ReadonlyArray<ReadonlyArray<unknown>> => out.map(row)
