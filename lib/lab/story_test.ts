import assert from "node:assert/strict";
import { changeMomentOf, scenarioChange } from "./story.ts";
import { Lab } from "./lab.ts";

Deno.test("a broker joins before the before-measurement and leaves after it", () => {
  assert.equal(changeMomentOf("add-broker"), "before-measure");
  assert.equal(changeMomentOf("remove-broker"), "after-measure");
  assert.equal(changeMomentOf(undefined), undefined);
});

Deno.test("scenarioChange changes nothing at the other moment, or in a scenario without a change", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-story-test-" });
  try {
    for (
      const [scenario, moment] of [
        ["scale-out", "after-measure"],
        ["scale-in", "before-measure"],
        ["placement", "before-measure"],
        ["placement", "after-measure"],
      ] as const
    ) {
      const lab = await Lab.open({ LAB_ENV: "local", LAB_STATE_DIR: dir, LAB_SCENARIO: scenario });
      const heard: string[] = [];
      assert.deepEqual(await scenarioChange(lab, moment, (l) => heard.push(l)), {
        lines: [],
        moves: [],
      });
      assert.deepEqual(heard, []);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
