/**
 * Metrics — retrieval recall as LoCoMo / LongMemEval score it.
 *
 * For a QA item with evidence E (normalised dia ids) and a ranked list of retrieved memories,
 * each mapped to the dia ids it came from (a turn: its id; a fact or edge: its provenance
 * turns), C_k is the union of the ids of the top k memories:
 * - recall@k = |E ∩ C_k| / |E|;
 * - hit_any@k = 1 when E ∩ C_k ≠ ∅; hit_all@k = 1 when E ⊆ C_k;
 * - tokens@k = Σ tokens of the top k memories' texts (⌈chars / 4⌉ each);
 * - turns@k = |C_k| (how many turns the top k memories point at: a fact with many provenance
 *   turns covers more ground for the same tokens, so this is reported beside recall).
 * Items with empty E are skipped by the caller. Means are plain averages over items. Pure.
 */

export interface Retrieved {
  readonly diaIds: ReadonlyArray<string>
  readonly text: string
}

export interface ItemScore {
  readonly recall: number
  readonly hitAny: number
  readonly hitAll: number
  readonly tokens: number
  readonly turns: number
}

export const tokensOf = (text: string): number => Math.ceil(text.length / 4)

export const scoreAt = (evidence: ReadonlyArray<string>, ranked: ReadonlyArray<Retrieved>, k: number): ItemScore => {
  if (evidence.length === 0) throw new RangeError("scoreAt: empty evidence (skip the item)")
  const covered = new Set<string>()
  let tokens = 0
  for (const m of ranked.slice(0, k)) {
    for (const id of m.diaIds) covered.add(id)
    tokens += tokensOf(m.text)
  }
  const e = new Set(evidence)
  let found = 0
  for (const id of e) if (covered.has(id)) found++
  return { recall: found / e.size, hitAny: found > 0 ? 1 : 0, hitAll: found === e.size ? 1 : 0, tokens, turns: covered.size }
}

export type MetricName = keyof ItemScore

/** Running means of item scores. */
export class Mean {
  n = 0
  readonly sums: Record<MetricName, number> = { recall: 0, hitAny: 0, hitAll: 0, tokens: 0, turns: 0 }
  add(s: ItemScore): void {
    this.n++
    for (const k of Object.keys(this.sums) as Array<MetricName>) this.sums[k] += s[k]
  }
  mean(k: MetricName): number {
    return this.n === 0 ? Number.NaN : this.sums[k] / this.n
  }
}
