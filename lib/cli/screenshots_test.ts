import assert from "node:assert/strict";
import { parseScreenshotArgs } from "./screenshots.ts";

Deno.test("the screenshots command line: a phase and optional --from, --to, --grafana", () => {
  assert.deepEqual(parseScreenshotArgs(["before"]), {
    phase: "before",
    grafanaUrl: "http://127.0.0.1:3000",
    from: undefined,
    to: undefined,
  });
  assert.deepEqual(
    parseScreenshotArgs(["after", "--from", "now-5m", "--to=now", "--grafana", "http://g:3000"]),
    { phase: "after", grafanaUrl: "http://g:3000", from: "now-5m", to: "now" },
  );
  assert.throws(() => parseScreenshotArgs([]), /usage: deno task screenshots before\|after/);
  assert.throws(() => parseScreenshotArgs(["during"]), /usage/);
  assert.throws(() => parseScreenshotArgs(["before", "extra"]), /usage/);
  assert.throws(() => parseScreenshotArgs(["before", "--form", "now"]), /form[\s\S]*usage/);
  assert.throws(() => parseScreenshotArgs(["before", "--from"]), /from[\s\S]*usage/);
});
