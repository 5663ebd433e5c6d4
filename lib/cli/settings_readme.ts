/**
 * `deno task settings:readme`: rewrites the README's "Settings" table from the settings
 * table (`lib/config/settings.ts`) and formats the file; `lib/config/settings_test.ts`
 * fails while the two differ.
 *
 * @module
 */

import { updateReadmeSettings } from "../config/settings_doc.ts";
import { SETTINGS } from "../config/settings.ts";
import { runTask } from "../core/task.ts";

if (import.meta.main) {
  Deno.exit(
    await runTask(async () => {
      const path = new URL("../../README.md", import.meta.url).pathname;
      await updateReadmeSettings(path);
      console.log(`Rewrote the settings table in README.md (${SETTINGS.length} settings).`);
      return 0;
    }),
  );
}
