import assert from "node:assert/strict";
import { LabConfigError, loadConfig, MAX_LOCAL_BROKERS } from "./config.ts";
import { SCENARIOS } from "./scenarios.ts";
import { settingNamed, SETTINGS, settingValue } from "./settings.ts";
import { readmeSettingsRows, settingCells, settingsMarkdown } from "./settings_doc.ts";

const README = new URL("../../README.md", import.meta.url);

Deno.test("the README's Settings table lists exactly the table's settings, defaults and meanings", async () => {
  const rows = readmeSettingsRows(await Deno.readTextFile(README));
  const hint = "run `deno task settings:readme` to regenerate README.md's table";
  assert.deepEqual(
    rows.map((r) => r[0]),
    SETTINGS.map((s) => `\`${s.name}\``),
    `the README's variables differ from lib/config/settings.ts; ${hint}`,
  );
  assert.deepEqual(rows, SETTINGS.map(settingCells), `a row differs; ${hint}`);
});

Deno.test("every variable the configuration reads is in the table, once", async () => {
  const source = await Deno.readTextFile(new URL("./config.ts", import.meta.url));
  const read = new Set(
    [...source.matchAll(/"((?:LAB|JAVA|KAFKA|PROMETHEUS)_[A-Z_]+)"/g)].map((m) => m[1]),
  );
  const names = SETTINGS.map((s) => s.name);
  assert.equal(new Set(names).size, names.length, "no setting twice");
  for (const name of read) assert.ok(names.includes(name), `${name} is read but not in the table`);
  assert.ok(read.size >= 30, `config.ts names the settings it reads (found ${read.size})`);
});

Deno.test("each default in the table is the value loadConfig gives when nothing is set", () => {
  const config = loadConfig({ HOME: "/home/x" });
  for (const s of SETTINGS) {
    if (!s.value || s.defaultText) continue;
    assert.equal(settingValue(s, config), s.default ?? "", `${s.name}'s default`);
  }
  // The defaults given in words: derived from other settings or the machine.
  assert.equal(config.local.controllerPort, config.local.kafkaPort + 100);
  assert.equal(config.local.exporterPort, config.local.kafkaPort + 200);
  assert.equal(config.local.agentPort, config.local.kafkaPort + 300);
  assert.equal(config.local.javaBin, "java");
  assert.equal(config.local.stateDir, "/home/x/.cache/auto-balancing-lab/state");
});

Deno.test("each range in the table is enforced, naming the variable", () => {
  for (const s of SETTINGS) {
    if (!s.range) continue;
    const outside: number[] = [];
    if (s.range.min !== undefined) {
      outside.push(s.range.exclusiveMin ? s.range.min : s.range.min - 1);
    }
    if (s.range.max !== undefined) outside.push(s.range.max + 1);
    if (s.range.integer && s.range.min !== undefined) outside.push(s.range.min + 1.5);
    for (const value of outside) {
      assert.throws(
        () => loadConfig({ HOME: "/h", [s.name]: String(value) }),
        (e: unknown) => e instanceof LabConfigError && e.setting === s.name,
        `${s.name}=${value} is refused`,
      );
    }
  }
});

Deno.test("each allowed word is taken, and a word outside them is refused", () => {
  for (const s of SETTINGS) {
    for (const word of s.allowed ?? []) {
      const config = loadConfig({ HOME: "/h", [s.name]: word });
      if (s.value && !s.list) assert.equal(settingValue(s, config), word, `${s.name}=${word}`);
    }
    if (s.allowed) {
      assert.throws(
        () => loadConfig({ HOME: "/h", [s.name]: "nonsense" }),
        (e: unknown) => e instanceof LabConfigError && e.setting === s.name,
        `${s.name}=nonsense is refused`,
      );
    }
  }
  assert.throws(() => settingNamed("LAB_NOPE"), /not in the settings table/);
});

Deno.test("the Markdown table has one row per setting under a header and a rule", () => {
  const lines = settingsMarkdown().split("\n");
  assert.equal(lines.length, SETTINGS.length + 2);
  assert.equal(lines[0], "| variable | default | allowed | meaning |");
  assert.match(
    lines.find((l) => l.startsWith("| `LAB_RATE_MBPS`"))!,
    /number > 0, ≤ 10000, or `unthrottled`/,
  );
});

Deno.test("the table's rows are well formed and agree with the code's limits", () => {
  const keys = new Set([
    "name",
    "default",
    "defaultText",
    "range",
    "allowed",
    "list",
    "meaning",
    "advanced",
    "value",
  ]);
  for (const s of SETTINGS) {
    for (const key of Object.keys(s)) assert.ok(keys.has(key), `${s.name}: unknown key ${key}`);
    assert.ok(s.meaning.length > 10, `${s.name} says what it changes`);
    assert.ok(!(s.default && s.defaultText), `${s.name}: a default or a default in words`);
    if (s.name !== "JAVA_HOME") assert.ok(s.value, `${s.name} says where its value lies`);
  }
  assert.equal(settingNamed("LAB_BROKERS").range?.max, MAX_LOCAL_BROKERS);
  assert.deepEqual(settingNamed("LAB_SCENARIO").allowed, SCENARIOS.map((s) => s.name));
  assert.ok(SETTINGS.filter((s) => !s.advanced).length >= 15, "the notebooks show the main ones");
});
