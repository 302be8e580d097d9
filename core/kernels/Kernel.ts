/**
 * Kernel — the contract every similarity kernel meets, and the plain JavaScript kernels.
 *
 * A kernel scores `rows` row-major vectors of length `dim` against one query: `out[r]` is the
 * dot product of row `r` and the query (cosine, for the unit rows of a VectorStore). Kernels
 * differ in speed and in rounding only; the laws bound how far any kernel may drift from
 * {@link naive} (see laws/Similarity.test.ts).
 *
 * @since 0.1.0
 */

/**
 * A similarity kernel: fills `out[0..rows)` with the dot products of `matrix`'s rows and `query`.
 * Every kernel scores a row from that row and the query alone (the same bits wherever the row sits
 * in `matrix`): `Similarity.nearest` relies on it to equal the flat scan exactly.
 */
export interface Kernel {
  readonly name: string
  readonly scores: (matrix: Float32Array, rows: number, dim: number, query: Float32Array, out: Float32Array) => void
}

/**
 * The reference kernel: one float64 accumulator per row, in index order.
 * Laws: `out[r] == Σ_i matrix[r·dim+i] · query[i]` (float64 sum, rounded to float32 on store).
 * @complexity O(rows · dim)
 * @example naive.scores(m, 2, 3, q, out)
 */
export const naive: Kernel = {
  name: "js-naive",
  scores: (m, rows, dim, q, out) => {
    for (let r = 0; r < rows; r++) {
      let s = 0
      const o = r * dim
      for (let i = 0; i < dim; i++) s += m[o + i]! * q[i]!
      out[r] = s
    }
  }
}

/**
 * The blocked JavaScript kernel: two rows at a time (each query load feeds both), four float64
 * accumulators per row, so eight independent add chains keep the FPU busy.
 * Laws: `|blocked − naive| ≤ dim · 2⁻⁵² · Σ|m·q|` before the float32 store (reassociation only);
 * each row's score depends only on that row and the query (= {@link rowDot}), not on its position.
 * @complexity O(rows · dim)
 * @example blocked.scores(m, 256, 100, q, out)
 */
export const blocked: Kernel = {
  name: "js-blocked",
  scores: (m, rows, dim, q, out) => {
    const d4 = dim & ~3
    let r = 0
    for (; r + 1 < rows; r += 2) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0
      const o = r * dim
      const p = o + dim
      let i = 0
      for (; i < d4; i += 4) {
        const q0 = q[i]!, q1 = q[i + 1]!, q2 = q[i + 2]!, q3 = q[i + 3]!
        a0 += m[o + i]! * q0
        a1 += m[o + i + 1]! * q1
        a2 += m[o + i + 2]! * q2
        a3 += m[o + i + 3]! * q3
        b0 += m[p + i]! * q0
        b1 += m[p + i + 1]! * q1
        b2 += m[p + i + 2]! * q2
        b3 += m[p + i + 3]! * q3
      }
      for (; i < dim; i++) {
        a0 += m[o + i]! * q[i]!
        b0 += m[p + i]! * q[i]!
      }
      out[r] = (a0 + a1) + (a2 + a3)
      out[r + 1] = (b0 + b1) + (b2 + b3)
    }
    // the odd last row with the same four accumulators, so a row's score never depends on its position
    if (r < rows) out[r] = rowDot(m, r, dim, q)
  }
}

/**
 * Dot product of row `row` of `m` with `q`, four float64 accumulators.
 * Laws: bit-identical to {@link blocked}'s score of the same row.
 * @complexity O(dim)
 * @example rowDot(pageData, 7, 100, q)
 */
export const rowDot = (m: Float32Array, row: number, dim: number, q: Float32Array): number => {
  const o = row * dim
  const d4 = dim & ~3
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0
  let i = 0
  for (; i < d4; i += 4) {
    a0 += m[o + i]! * q[i]!
    a1 += m[o + i + 1]! * q[i + 1]!
    a2 += m[o + i + 2]! * q[i + 2]!
    a3 += m[o + i + 3]! * q[i + 3]!
  }
  for (; i < dim; i++) a0 += m[o + i]! * q[i]!
  return (a0 + a1) + (a2 + a3)
}

/**
 * Scores `rows` rows against `count` queries (row-major `queries`, `count × dim`) with any kernel;
 * `out[j · rows + r]` is query `j` against row `r`.
 * Laws: `out[j·rows + r] == kernel.scores(matrix, rows, dim, query_j)[r]`.
 * @complexity O(count · rows · dim)
 * @example scoresMany(blocked, m, 256, 100, qs, 4, out)
 */
export const scoresMany = (
  kernel: Kernel,
  matrix: Float32Array,
  rows: number,
  dim: number,
  queries: Float32Array,
  count: number,
  out: Float32Array
): void => {
  for (let j = 0; j < count; j++) {
    kernel.scores(matrix, rows, dim, queries.subarray(j * dim, (j + 1) * dim), out.subarray(j * rows, (j + 1) * rows))
  }
}

/**
 * The index of the first highest of `scores[0 … n)` (0 when `n ≤ 1`).
 * Laws: `scores[argmax(s, n)] ≥ scores[c]` for every `c < n`; ties go to the lowest index.
 * @complexity O(n)
 */
export const argmax = (scores: Float32Array, n: number): number => {
  let best = 0
  for (let c = 1; c < n; c++) if (scores[c]! > scores[best]!) best = c
  return best
}

/**
 * The update step of spherical k-means: each centroid `c` whose sum of rows is non-zero becomes
 * `sums[c] / ‖sums[c]‖` (the unit mean direction of its rows); the others (no rows, or rows that
 * cancel out) keep their value. `centroids` and `sums` hold `nlist` rows of `dim`.
 * @complexity O(nlist · dim)
 */
export const centroidsFromSums = (centroids: Float32Array, sums: Float64Array, nlist: number, dim: number): void => {
  for (let c = 0; c < nlist; c++) {
    let norm = 0
    for (let d = 0; d < dim; d++) norm += sums[c * dim + d]! * sums[c * dim + d]!
    if (norm === 0) continue
    const inv = 1 / Math.sqrt(norm)
    for (let d = 0; d < dim; d++) centroids[c * dim + d] = sums[c * dim + d]! * inv
  }
}
