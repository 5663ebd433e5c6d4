import assert from "node:assert/strict";
import { SlidingCount } from "./load_window.ts";

Deno.test("a sliding count sums what was added in the last window only", () => {
  const window = new SlidingCount(1000);
  window.add(0, 5);
  window.add(400, 3);
  window.add(999, 2);
  assert.equal(window.sumAt(999), 10);
  assert.equal(window.sumAt(1000), 5, "the count at 0 left the window at 1000");
  assert.equal(window.sumAt(1400), 2);
  window.add(1400, 0);
  assert.equal(window.sumAt(2000), 0);
  for (let t = 2000; t < 20_000; t++) window.add(t, 1);
  assert.equal(window.sumAt(19_999), 1000, "long runs keep exactly one window");
});
