import assert from "node:assert/strict";
import { LabConfigError, loadConfig, MAX_LOCAL_BROKERS } from "./config.ts";
import { SCENARIOS } from "./scenarios.ts";
import {
  type SettingName,
  settingNamed,
  SETTINGS,
  settingText,
  settingValues,
} from "./settings.ts";
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

Deno.test("every setting is declared once and read into the configuration's values", () => {
  const names = SETTINGS.map((s) => s.name);
  assert.equal(new Set(names).size, names.length, "no setting twice");
  assert.deepEqual(Object.keys(loadConfig({ HOME: "/h" }).values).sort(), [...names].sort());
  assert.ok(names.length >= 45, `the table has the lab's settings (found ${names.length})`);
});

/** Variables of the lab's tools that are not settings (the test harness, the runner, logs). */
const TOOL_VARIABLES = /^LAB_(TEST_[A-Z_]+|NOTEBOOK_[A-Z_]+|PYTHON|LOG_FILE)$/;

Deno.test("every LAB_ variable the lab's modules name is a setting of the table", async () => {
  const names = new Set(SETTINGS.map((s) => s.name));
  const unknown: string[] = [];
  const walk = async (dir: URL) => {
    for await (const entry of Deno.readDir(dir)) {
      const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
      if (entry.isDirectory && entry.name !== "testdata") await walk(url);
      if (!entry.isFile || !/\.(ts|py|md)$/.test(entry.name) || entry.name.endsWith("_test.ts")) {
        continue;
      }
      for (
        const [variable] of (await Deno.readTextFile(url)).matchAll(/\bLAB_[A-Z0-9_]*[A-Z0-9]\b/g)
      ) {
        if (!names.has(variable) && !TOOL_VARIABLES.test(variable)) {
          unknown.push(`${variable} in ${url.pathname.replace(/.*\/lib\//, "lib/")}`);
        }
      }
    }
  };
  await walk(new URL("../", import.meta.url));
  assert.deepEqual(unknown, [], "sentences and code name only settings that exist");
});

Deno.test("each default in the table is the value loadConfig gives when nothing is set", () => {
  const config = loadConfig({ HOME: "/home/x" });
  for (const s of SETTINGS) {
    if (s.defaultText) continue;
    assert.equal(
      settingText(s.name as SettingName, config.values),
      s.default ?? "",
      `${s.name}'s default`,
    );
  }
  // The defaults given in words: derived from other settings or the machine.
  assert.equal(config.local.controllerPort, config.local.kafkaPort + 100);
  assert.equal(config.local.exporterPort, config.local.kafkaPort + 200);
  assert.equal(config.local.agentPort, config.local.kafkaPort + 300);
  assert.equal(config.local.javaBin, "java");
  assert.equal(loadConfig({ JAVA_HOME: "/opt/jdk" }).local.javaBin, "/opt/jdk/bin/java");
  assert.equal(config.local.stateDir, "/home/x/.cache/auto-balancing-lab/state");
  assert.equal(
    loadConfig({ XDG_CACHE_HOME: "/c", HOME: "/h" }).local.stateDir,
    "/c/auto-balancing-lab/state",
  );
  assert.equal(
    loadConfig({ LAB_KAFKA_PORT: "20092", LAB_AGENT_PORT: "20500" }).local.controllerPort,
    20192,
    "a derived default follows the setting it derives from",
  );
});

Deno.test("each range in the table is enforced, naming the variable", () => {
  let checked = 0;
  for (const s of SETTINGS) {
    if (!s.range) continue;
    const outside: number[] = [];
    if (s.range.min !== undefined) {
      outside.push(s.range.exclusiveMin ? s.range.min : s.range.min - 1);
    }
    if (s.range.max !== undefined) outside.push(s.range.max + 1);
    if (s.range.integer && s.range.min !== undefined) outside.push(s.range.min + 1.5);
    for (const value of outside) {
      checked++;
      assert.throws(
        () => loadConfig({ HOME: "/h", [s.name]: String(value) }),
        (e: unknown) => e instanceof LabConfigError && e.setting === s.name,
        `${s.name}=${value} is refused`,
      );
    }
  }
  assert.ok(checked >= 40, `bounds checked: ${checked}`);
});

Deno.test("each allowed word is taken, and a word outside them is refused", () => {
  for (const s of SETTINGS) {
    for (const word of s.allowed ?? []) {
      const config = loadConfig({ HOME: "/h", [s.name]: word });
      if (!s.list) {
        assert.equal(settingText(s.name as SettingName, config.values), word, `${s.name}=${word}`);
      }
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

Deno.test("a value written back reads as the same value (what the settings view shows)", () => {
  const env = {
    LAB_SKEW: "p0=0.45,p1=0.55",
    LAB_PLACEMENT: "3-2-1",
    LAB_BALANCER_GOALS: "out,in",
    LAB_RATE_MBPS: "unthrottled",
    LAB_BOOTSTRAP: "a:1,b:2",
    LAB_PROMETHEUS_URL: "http://p:9090",
    LAB_BALANCER_EXCLUDE_BROKERS: "1,2",
  };
  const values = settingValues(env);
  const again = settingValues(
    Object.fromEntries(SETTINGS.map((s) => [s.name, settingText(s.name as SettingName, values)])),
  );
  for (const s of SETTINGS) {
    assert.equal(
      settingText(s.name as SettingName, again),
      settingText(s.name as SettingName, values),
      s.name,
    );
  }
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
  for (const s of SETTINGS) {
    assert.ok(s.meaning.length > 10, `${s.name} says what it changes`);
    assert.ok(!(s.default && s.defaultText), `${s.name}: a default or a default in words`);
    assert.equal(s.defaultText !== undefined, s.defaultFrom !== undefined, `${s.name}'s default`);
  }
  assert.equal(settingNamed("LAB_BROKERS").range?.max, MAX_LOCAL_BROKERS);
  assert.deepEqual(settingNamed("LAB_SCENARIO").allowed, SCENARIOS.map((s) => s.name));
  assert.ok(SETTINGS.filter((s) => !s.advanced).length >= 15, "the notebooks show the main ones");
});
