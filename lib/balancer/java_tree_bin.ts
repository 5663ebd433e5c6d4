/**
 * The bins of a `java.util.HashMap` (JDK 17) as linked entries, and the red-black "tree bins"
 * a bin turns into when it grows long in a large table. Only the iteration order matters
 * here, and a tree bin changes it: a tree bin still iterates along its `next` list, but the
 * tree's root is moved to the front of that list after every insertion and removal, and a key
 * put into a tree is linked right after its parent in the tree rather than at the end. So the
 * order of a tree bin depends on the tree's shape, and this module keeps the shape exactly as
 * the JDK's `HashMap.TreeNode` does (insertion and deletion rebalancing, the root moved to
 * the front, the split of a tree on resize, the fall-back to a plain list when it shrinks).
 *
 * Tree entries are ordered by their spread hash (as signed 32-bit ints). Two different keys
 * with the same hash are ordered by `System.identityHashCode` in the JVM (the keys involved,
 * `Integer` and Kafka's `TopicPartition`, never compare otherwise: two `Integer`s with the same
 * hash are equal), which nothing outside the running JVM can know; such a comparison is
 * reported through `onTie` and taken as "left".
 *
 * `JavaHashMap` (`java_order.ts`) is the one user; its tests replay orders recorded from the
 * JDK itself (`testdata/jdk17_hashmap_orders.jsonl`).
 *
 * @module
 */

/** One entry of a modelled `HashMap`: its key, its spread hash, its links. */
export interface BinNode<K> {
  /** The key. */
  key: K;
  /** `HashMap.hash(key)`: the key's hash, spread (`h ^ (h >>> 16)`). */
  hash: number;
  /** The next entry of the bin in iteration order. */
  next: BinNode<K> | null;
  /** True while the entry belongs to a tree bin (a `TreeNode`). */
  tree: boolean;
  /** Tree links (meaningful while `tree`). */
  parent: BinNode<K> | null;
  left: BinNode<K> | null;
  right: BinNode<K> | null;
  /** The previous entry of a tree bin's list. */
  prev: BinNode<K> | null;
  red: boolean;
}

/** A table of bins. */
export type Table<K> = (BinNode<K> | null)[];

/** A tree bin falls back to a plain list when a resize leaves it this many entries or fewer. */
const UNTREEIFY_THRESHOLD = 6;

/**
 * A fresh, unlinked entry.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newBinNode } from "./java_tree_bin.ts";
 * assert.equal(newBinNode("k", 7).next, null);
 * ```
 */
export function newBinNode<K>(key: K, hash: number): BinNode<K> {
  return {
    key,
    hash,
    next: null,
    tree: false,
    parent: null,
    left: null,
    right: null,
    prev: null,
    red: false,
  };
}

function rootOf<K>(node: BinNode<K>): BinNode<K> {
  let r = node;
  while (r.parent !== null) r = r.parent;
  return r;
}

/** Puts the tree's root first in its bin's list (the others keep their order). */
function rootToFront<K>(tab: Table<K>, root: BinNode<K> | null): void {
  if (root === null || tab.length === 0) return;
  const index = (tab.length - 1) & root.hash;
  const first = tab[index];
  if (root === first) return;
  tab[index] = root;
  const before = root.prev, after = root.next;
  if (after !== null) after.prev = before;
  if (before !== null) before.next = after;
  if (first !== null) first.prev = root;
  root.next = first;
  root.prev = null;
}

/** Turns p's right child into p's parent; returns the (possibly new) root. */
function rotateLeft<K>(root: BinNode<K>, p: BinNode<K> | null): BinNode<K> {
  const r = p?.right ?? null;
  if (p === null || r === null) return root;
  p.right = r.left;
  if (p.right !== null) p.right.parent = p;
  const pp = p.parent;
  r.parent = pp;
  if (pp === null) {
    root = r;
    r.red = false;
  } else if (pp.left === p) pp.left = r;
  else pp.right = r;
  r.left = p;
  p.parent = r;
  return root;
}

/** Turns p's left child into p's parent; returns the (possibly new) root. */
function rotateRight<K>(root: BinNode<K>, p: BinNode<K> | null): BinNode<K> {
  const l = p?.left ?? null;
  if (p === null || l === null) return root;
  p.left = l.right;
  if (p.left !== null) p.left.parent = p;
  const pp = p.parent;
  l.parent = pp;
  if (pp === null) {
    root = l;
    l.red = false;
  } else if (pp.right === p) pp.right = l;
  else pp.left = l;
  l.right = p;
  p.parent = l;
  return root;
}

const isRed = <K>(n: BinNode<K> | null): boolean => n !== null && n.red;

/** Restores the red-black rules after x was linked in as a leaf; returns the root. */
function balanceInsertion<K>(root: BinNode<K>, x: BinNode<K>): BinNode<K> {
  x.red = true;
  for (;;) {
    let xp = x.parent;
    if (xp === null) {
      x.red = false;
      return x;
    }
    let xpp = xp.parent;
    if (!xp.red || xpp === null) return root;
    const leftSide = xp === xpp.left;
    const uncle = leftSide ? xpp.right : xpp.left;
    if (isRed(uncle)) {
      uncle!.red = false;
      xp.red = false;
      xpp.red = true;
      x = xpp;
      continue;
    }
    if (x === (leftSide ? xp.right : xp.left)) {
      x = xp;
      root = leftSide ? rotateLeft(root, x) : rotateRight(root, x);
      xp = x.parent;
      xpp = xp === null ? null : xp.parent;
    }
    if (xp !== null) {
      xp.red = false;
      if (xpp !== null) {
        xpp.red = true;
        root = leftSide ? rotateRight(root, xpp) : rotateLeft(root, xpp);
      }
    }
  }
}

/** Restores the red-black rules after a removal, from the replacement x; returns the root. */
function balanceDeletion<K>(root: BinNode<K>, x: BinNode<K> | null): BinNode<K> {
  for (;;) {
    if (x === null || x === root) return root;
    let xp = x.parent;
    if (xp === null) {
      x.red = false;
      return x;
    }
    if (x.red) {
      x.red = false;
      return root;
    }
    // The two cases mirror each other: `near` is x's side, `far` the sibling's.
    const leftSide = xp.left === x;
    const near = (n: BinNode<K>) => leftSide ? n.left : n.right;
    const far = (n: BinNode<K>) => leftSide ? n.right : n.left;
    const towardX = (r: BinNode<K>, n: BinNode<K> | null) =>
      leftSide ? rotateLeft(r, n) : rotateRight(r, n);
    const awayFromX = (r: BinNode<K>, n: BinNode<K> | null) =>
      leftSide ? rotateRight(r, n) : rotateLeft(r, n);
    let sib = far(xp);
    if (isRed(sib)) {
      sib!.red = false;
      xp.red = true;
      root = towardX(root, xp);
      xp = x.parent;
      sib = xp === null ? null : far(xp);
    }
    if (sib === null) {
      x = xp;
      continue;
    }
    if (!isRed(far(sib)) && !isRed(near(sib))) {
      sib.red = true;
      x = xp;
      continue;
    }
    if (!isRed(far(sib))) {
      const n = near(sib);
      if (n !== null) n.red = false;
      sib.red = true;
      root = awayFromX(root, sib);
      xp = x.parent;
      sib = xp === null ? null : far(xp);
    }
    if (sib !== null) {
      sib.red = xp === null ? false : xp.red;
      const f = far(sib);
      if (f !== null) f.red = false;
    }
    if (xp !== null) {
      xp.red = false;
      root = towardX(root, xp);
    }
    x = root;
  }
}

/** Where x goes under p: left (≤ 0) or right. Equal hashes are the JVM's identity order. */
function direction<K>(p: BinNode<K>, x: BinNode<K>, onTie: () => void): number {
  if (p.hash > x.hash) return -1;
  if (p.hash < x.hash) return 1;
  onTie();
  return -1;
}

/**
 * Builds a tree over the tree entries listed from `head` (whose `next`/`prev` links are set),
 * in list order, then moves the root to the front of the bin (`TreeNode.treeify`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newBinNode, treeify } from "./java_tree_bin.ts";
 * const [a, b] = [newBinNode(1, 16), newBinNode(2, 0)];
 * a.tree = b.tree = true;
 * a.next = b;
 * b.prev = a;
 * const table = [a];
 * treeify(table, a, () => {});
 * assert.equal(a.parent, null);
 * assert.equal(a.left, b); // hash 0 < 16
 * ```
 */
export function treeify<K>(tab: Table<K>, head: BinNode<K>, onTie: () => void): void {
  let root: BinNode<K> | null = null;
  for (let x: BinNode<K> | null = head; x !== null;) {
    const following: BinNode<K> | null = x.next;
    x.left = x.right = null;
    if (root === null) {
      x.parent = null;
      x.red = false;
      root = x;
    } else {
      for (let p: BinNode<K> = root;;) {
        const dir = direction(p, x, onTie);
        const child = dir <= 0 ? p.left : p.right;
        if (child === null) {
          x.parent = p;
          if (dir <= 0) p.left = x;
          else p.right = x;
          root = balanceInsertion(root, x);
          break;
        }
        p = child;
      }
    }
    x = following;
  }
  rootToFront(tab, root);
}

/**
 * Adds the new entry x to the tree bin that starts with `first` (`TreeNode.putTreeVal`): x
 * becomes a leaf, is listed right after its parent, and the root is moved to the front.
 * The caller has checked that x's key is not in the map.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newBinNode, putTreeNode } from "./java_tree_bin.ts";
 * const root = newBinNode(1, 64);
 * root.tree = true;
 * const table = [root];
 * putTreeNode(table, root, newBinNode(2, 0), () => {});
 * assert.equal(root.next?.key, 2);
 * ```
 */
export function putTreeNode<K>(
  tab: Table<K>,
  first: BinNode<K>,
  x: BinNode<K>,
  onTie: () => void,
): void {
  const root = rootOf(first);
  x.tree = true;
  for (let p = root;;) {
    const dir = direction(p, x, onTie);
    const child = dir <= 0 ? p.left : p.right;
    if (child !== null) {
      p = child;
      continue;
    }
    const after = p.next;
    x.next = after;
    if (dir <= 0) p.left = x;
    else p.right = x;
    p.next = x;
    x.parent = x.prev = p;
    if (after !== null) after.prev = x;
    rootToFront(tab, balanceInsertion(root, x));
    return;
  }
}

/** Turns a tree bin's list into plain entries, same order (`TreeNode.untreeify`). */
function untreeify<K>(head: BinNode<K>): BinNode<K> {
  for (let q: BinNode<K> | null = head; q !== null; q = q.next) {
    q.tree = false;
    q.parent =
      q.left =
      q.right =
      q.prev =
        null;
    q.red = false;
  }
  return head;
}

/**
 * Removes `node` from its tree bin (`TreeNode.removeTreeNode`, movable): unlinked from the
 * list first; if the tree looks too small (no right child of the root, or no left child, or
 * no left grandchild on the left) the bin becomes a plain list; otherwise the node leaves the
 * tree by swapping links with its successor, the tree is rebalanced and its root moved first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newBinNode, putTreeNode, removeTreeNode } from "./java_tree_bin.ts";
 * const root = newBinNode(1, 64);
 * root.tree = true;
 * const table = [root];
 * const other = newBinNode(2, 0);
 * putTreeNode(table, root, other, () => {});
 * removeTreeNode(table, root);
 * assert.equal(table[0], other);
 * assert.equal(other.tree, false); // too small to stay a tree
 * ```
 */
export function removeTreeNode<K>(tab: Table<K>, node: BinNode<K>): void {
  if (tab.length === 0) return;
  const index = (tab.length - 1) & node.hash;
  let first = tab[index];
  let root = first!;
  const succ = node.next, pred = node.prev;
  if (pred === null) tab[index] = first = succ;
  else pred.next = succ;
  if (succ !== null) succ.prev = pred;
  if (first === null) return;
  if (root.parent !== null) root = rootOf(root);
  if (root.right === null || root.left === null || root.left.left === null) {
    tab[index] = untreeify(first);
    return;
  }
  const p = node, pl = node.left, pr = node.right;
  let replacement: BinNode<K>;
  if (pl !== null && pr !== null) {
    // Swap p with its successor s (leftmost of the right subtree), links and colours.
    let s = pr;
    while (s.left !== null) s = s.left;
    const colour = s.red;
    s.red = p.red;
    p.red = colour;
    const sr = s.right, pp = p.parent;
    if (s === pr) {
      p.parent = s;
      s.right = p;
    } else {
      const sp = s.parent;
      p.parent = sp;
      if (sp !== null) {
        if (s === sp.left) sp.left = p;
        else sp.right = p;
      }
      s.right = pr;
      pr.parent = s;
    }
    p.left = null;
    p.right = sr;
    if (sr !== null) sr.parent = p;
    s.left = pl;
    pl.parent = s;
    s.parent = pp;
    if (pp === null) root = s;
    else if (p === pp.left) pp.left = s;
    else pp.right = s;
    replacement = sr ?? p;
  } else replacement = pl ?? pr ?? p;
  if (replacement !== p) {
    const pp = p.parent;
    replacement.parent = pp;
    if (pp === null) {
      root = replacement;
      replacement.red = false;
    } else if (p === pp.left) pp.left = replacement;
    else pp.right = replacement;
    p.left = p.right = p.parent = null;
  }
  const newRoot = p.red ? root : balanceDeletion(root, replacement);
  if (replacement === p) {
    const pp = p.parent;
    p.parent = null;
    if (pp !== null) {
      if (p === pp.left) pp.left = null;
      else if (p === pp.right) pp.right = null;
    }
  }
  rootToFront(tab, newRoot);
}

/**
 * Splits the tree bin at `index` of the old table into the new table `tab` on a resize
 * (`TreeNode.split`): entries go to `index` or `index + bit` keeping their list order; a part
 * of 6 or fewer becomes a plain list, a larger one is re-treeified if the other part is not
 * empty (else it keeps its tree as it is).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newBinNode, splitTreeBin } from "./java_tree_bin.ts";
 * const [a, b] = [newBinNode(1, 0), newBinNode(2, 64)];
 * a.tree = b.tree = true;
 * a.next = b;
 * b.prev = a;
 * const table = new Array(128).fill(null);
 * splitTreeBin(table, a, 0, 64, () => {});
 * assert.deepEqual([table[0]?.key, table[64]?.key, a.tree], [1, 2, false]);
 * ```
 */
export function splitTreeBin<K>(
  tab: Table<K>,
  first: BinNode<K>,
  index: number,
  bit: number,
  onTie: () => void,
): void {
  let loHead: BinNode<K> | null = null, loTail: BinNode<K> | null = null;
  let hiHead: BinNode<K> | null = null, hiTail: BinNode<K> | null = null;
  let lo = 0, hi = 0;
  for (let e: BinNode<K> | null = first; e !== null;) {
    const following: BinNode<K> | null = e.next;
    e.next = null;
    if ((e.hash & bit) === 0) {
      e.prev = loTail;
      if (loTail === null) loHead = e;
      else loTail.next = e;
      loTail = e;
      lo++;
    } else {
      e.prev = hiTail;
      if (hiTail === null) hiHead = e;
      else hiTail.next = e;
      hiTail = e;
      hi++;
    }
    e = following;
  }
  if (loHead !== null) {
    if (lo <= UNTREEIFY_THRESHOLD) tab[index] = untreeify(loHead);
    else {
      tab[index] = loHead;
      if (hiHead !== null) treeify(tab, loHead, onTie);
    }
  }
  if (hiHead !== null) {
    if (hi <= UNTREEIFY_THRESHOLD) tab[index + bit] = untreeify(hiHead);
    else {
      tab[index + bit] = hiHead;
      if (loHead !== null) treeify(tab, hiHead, onTie);
    }
  }
}
