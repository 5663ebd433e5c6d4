// A test that waits long: the test task's signal test interrupts it (not a *_test.ts file,
// so only that test runs it).
Deno.test({
  name: "waits to be interrupted",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    console.log(`LAB_TEST_ROOT=${Deno.env.get("LAB_TEST_ROOT")}`);
    await new Promise((r) => setTimeout(r, 300_000));
  },
});
