/**
 * The one place that decides which environment the lab runs on (`LAB_ENV`):
 * `local`, `automq`, `external` (bring your own cluster: `LAB_BOOTSTRAP` and
 * `LAB_PROMETHEUS_URL`), or `auto`: AutoMQ when a Docker engine answers and its
 * images are there or can be pulled, else local. It says which and why.
 *
 * @module
 */

import type { LabConfig } from "../config/config.ts";
import { ExternalEnvironment } from "./external.ts";
import { LocalEnvironment } from "./local/local.ts";
import type { LabEnvironment } from "./types.ts";

/** The chosen environment and the reason for the choice. */
export interface EnvironmentChoice {
  /** The environment. */
  environment: LabEnvironment;
  /** One sentence on why this one. */
  reason: string;
}

/** Picks and builds the environment `config` asks for. */
export async function chooseEnvironment(config: LabConfig): Promise<EnvironmentChoice> {
  if (config.environment === "external") {
    return {
      environment: new ExternalEnvironment(config, config.balancerLogFile),
      reason: `LAB_BOOTSTRAP and LAB_PROMETHEUS_URL name a cluster the lab does not manage.`,
    };
  }
  if (config.environment === "local") {
    return { environment: new LocalEnvironment(config), reason: "LAB_ENV=local." };
  }
  const automq = await import("./automq/automq.ts");
  if (config.environment === "automq") {
    return { environment: new automq.AutomqEnvironment(config), reason: "LAB_ENV=automq." };
  }
  const probe = await automq.probeAutomq(config);
  if (probe.usable) {
    return {
      environment: new automq.AutomqEnvironment(config),
      reason: `LAB_ENV=auto chose automq: ${probe.reason}`,
    };
  }
  return {
    environment: new LocalEnvironment(config),
    reason: `LAB_ENV=auto chose local: ${probe.reason}`,
  };
}
