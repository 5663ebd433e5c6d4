import assert from "node:assert/strict";
import { planDetection } from "../balancer/loop.ts";
import { planBalance } from "../balancer/plan.ts";
import { replayLog } from "../balancer/replay.ts";
import { balancerSettingsFrom } from "../config/config.ts";
import type { Lab } from "../lab/lab.ts";
import { decisionsView, predictionView } from "./replay.ts";
import {
  actingReplays,
  decisionLines,
  decisionLinesOf,
  describeReplay,
  predictionLines,
} from "../present/decisions.ts";

const SAMPLE = new URL("../balancer/testdata/automq-auto-balancer.log", import.meta.url);
const settings = balancerSettingsFrom({});

/** Six partitions of traffic-test placed 4-1-1 on brokers 0, 1, 2; `rates` gives bytes in, out. */
function placed411(rates: (partition: number) => [number, number]) {
  return [0, 1, 2, 3, 4, 5].map((p) => ({
    topic: "traffic-test",
    partition: p,
    broker: p < 4 ? 0 : p - 3,
    bytesInPerSec: rates(p)[0],
    bytesOutPerSec: rates(p)[1],
  }));
}

Deno.test("the decision lines say what the detection saw, the band, the moves and the verdict", async () => {
  const replays = replayLog(await Deno.readTextFile(SAMPLE), settings);
  assert.equal(actingReplays(replays).length, 1);
  const lines = decisionLines(replays);
  const text = lines.join("\n");
  assert.match(lines[0], /^Detection at 18:52:31 UTC: replay agrees: yes \(2 of 2 moves\)\.$/);
  assert.match(text, /It saw: broker 0 in 6\.67 MB\/s, out 2\.6 kB\/s \(5 partition\(s\)\)/);
  assert.match(text, /traffic-test-3 on 0: 1\.67 MB\/s in/);
  assert.match(text, /Bytes in: band 3\.00 MB\/s to 3\.67 MB\/s .*violators broker 0 above by/);
  assert.match(text, /Bytes out: .*no violator \(average under the detect threshold/);
  assert.match(text, /Move traffic-test-3: broker 0 → broker 1 \(shedding 0, .*group 0\.50\d\d\)/);
  assert.match(text, /Executed: traffic-test-3 0→1, traffic-test-2 0→2\./);
  assert.equal(
    lines.at(-1),
    "3 detection(s): 1 acted (replay: 1 move for move); 2 planned nothing (replay: 2 not replayed).",
  );
  const md = decisionsView(replays).bundle["text/markdown"] as string;
  assert.match(md, /\*\*Detection at 18:52:31 UTC: replay agrees: yes \(2 of 2 moves\)\.\*\*/);
  assert.match(md, /\| broker \| in \(MB\/s\) \| out \(MB\/s\) \| partitions \|/);
  // Idle detections alone: nothing acted.
  const idle = decisionsView(replays.slice(0, 2)).bundle["text/markdown"];
  assert.equal(idle, "No detection planned or executed a move (2 detection(s)).");
  assert.match(describeReplay(replays[0]).join("\n"), /no replay: no Replica status lines/);
});

Deno.test("the prediction is labelled as from another window and compared by effect", async () => {
  const replays = replayLog(await Deno.readTextFile(SAMPLE), settings);
  // A before-window where partition 0 ran hotter: the model predicts moving 0 first.
  const partitions = placed411((p) => [p === 0 ? 1.9e6 : 1.6e6, 0]);
  const prediction = planBalance({ brokers: [0, 1, 2], partitions, settings });
  const md = predictionView(prediction, replays).bundle["text/markdown"] as string;
  assert.match(md, /prediction from another window/);
  assert.match(md, /\| broker \| predicted off \(MB\/s\) \| actual off \(MB\/s\) \|/);
  // Predicted 0 → 1 and 3 → 2; the balancer saw equal loads and moved 3 → 1 and 2 → 2.
  assert.match(
    md,
    /moved elsewhere: traffic-test-3; only predicted: traffic-test-0; only the balancer: traffic-test-2\)/,
  );
  const lines = predictionLines(prediction, replays);
  assert.match(lines[0], /^Before-window prediction from another window/);
  assert.match(lines[1], /broker 0: off predicted 3\.\d\d MB\/s, actual 3\.33 MB\/s/);
});

Deno.test("a goal whose violators the earlier goal fixed says so", () => {
  const partitions = placed411(() => [2e6, 2e6]);
  const at = new Date(Date.UTC(2026, 10, 24, 12, 30, 5));
  const { lines } = planDetection([0, 1, 2], partitions, settings, at);
  const [r] = replayLog(lines.join("\n"), settings);
  const text = describeReplay(r).join("\n");
  assert.match(text, /Bytes in: .*violators broker 0 above by 3\.6\d MB\/s/);
  assert.match(
    text,
    /Bytes out: .*violators at the start broker 0 above by 3\.6\d MB\/s, .*inside after the earlier goal's moves/,
  );
  // Nothing executed in these lines (no Executing: lines), so the replay cannot agree.
  assert.match(r.verdict, /replay agrees: no \(0 of 2 moves\)/);
});

Deno.test("decisionLinesOf says why when the log cannot be read", async () => {
  const failing = {
    config: { balancer: settings },
    environment: { balancerLog: () => Promise.reject(new Error("no such container")) },
  } as unknown as Lab;
  assert.deepEqual(await decisionLinesOf(failing), [
    "The balancer's decisions cannot be shown: no such container",
  ]);
  const reading = {
    config: { balancer: settings },
    environment: { balancerLog: () => Deno.readTextFile(SAMPLE) },
  } as unknown as Lab;
  // Only detections since the time given count.
  const since = new Date(Date.UTC(2026, 10, 23, 18, 52, 0));
  assert.equal(
    (await decisionLinesOf(reading, since)).at(-1),
    "1 detection(s): 1 acted (replay: 1 move for move).",
  );
});
