/** Disjoint sets over `0..size-1`, union by size with path halving: near-constant time per call. */
export class UnionFind {
  private readonly parent: Int32Array
  private readonly sizes: Int32Array

  constructor(size: number) {
    this.parent = new Int32Array(size)
    this.sizes = new Int32Array(size).fill(1)
    for (let i = 0; i < size; i++) this.parent[i] = i
  }

  /** The representative of the set holding `x`. */
  find(x: number): number {
    const parent = this.parent
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]]
      x = parent[x]
    }
    return x
  }

  /** Merges the sets of `a` and `b`; false when they were one set already. */
  union(a: number, b: number): boolean {
    let rootA = this.find(a)
    let rootB = this.find(b)
    if (rootA === rootB) return false
    if (this.sizes[rootA] < this.sizes[rootB]) [rootA, rootB] = [rootB, rootA]
    this.parent[rootB] = rootA
    this.sizes[rootA] += this.sizes[rootB]
    return true
  }

  /** The size of the set holding `x`. */
  sizeOf(x: number): number {
    return this.sizes[this.find(x)]
  }
}
