import assert from "node:assert/strict";
import { ensurePrerequisites, missingPrerequisites } from "./prereqs.ts";

Deno.test("present programs pass; a missing one is named with its package and the command", async () => {
  assert.deepEqual(
    await missingPrerequisites([{ program: "sh", debianPackage: "dash", purpose: "a shell" }]),
    [],
  );
  const absent = { program: "lab-no-such-program", debianPackage: "lab-pkg", purpose: "nothing" };
  assert.deepEqual(await missingPrerequisites([absent]), [absent]);
  await assert.rejects(
    ensurePrerequisites([absent], { autoInstall: false, log: () => {} }),
    /lacks lab-no-such-program \(nothing\)\. Install them \(Debian\/Ubuntu: sudo apt-get install lab-pkg;/,
  );
});
