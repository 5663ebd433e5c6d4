/**
 * One Compose project driven the way the lab needs: `up` through the Compose CLI,
 * readiness, state, logs and files of its containers through dockerode, one service
 * stopped and started, and `down` that leaves nothing behind.
 *
 * Services are found by Compose's own labels (`com.docker.compose.project`,
 * `com.docker.compose.service`), which v1 and v2 both set. A service labelled
 * `lab.oneshot: "true"` is a job: it is ready once it has exited with code 0.
 *
 * @module
 */

import { parse as parseYaml } from "yaml";
import {
  type ComposeCli,
  type ComposeModel,
  type ComposeService,
  findComposeCli,
  parseComposeConfig,
  runProgram,
} from "./compose_cli.ts";
import type { ContainerDetails, DockerApi } from "./docker_api.ts";
import {
  connectDocker,
  containerLogs,
  engineMessage,
  labelFilter,
  readContainerFile,
  statusCodeOf,
  withDeadline,
} from "./docker.ts";

/** How to reach and name one Compose project. */
export interface ComposeProjectOptions {
  /** Absolute path of the Compose file; its directory is the project directory. */
  composeFile: string;
  /** Project name (lower-case letters, digits, `-` and `_`). */
  projectName: string;
  /** Engine address, `unix://...` or `tcp://...`. */
  dockerHost: string;
  /** Extra variables for the file's `${...}` substitutions. */
  env?: Record<string, string>;
  /** A Compose CLI to use; found on first use when absent. */
  cli?: ComposeCli;
}

/** The state of one service's container. */
export interface ServiceState {
  /** Service name. */
  service: string;
  /** Container id, if one exists. */
  containerId?: string;
  /** `missing`, `created`, `running`, `exited`, ... */
  status: string;
  /** Health status when the service has a healthcheck. */
  health?: string;
  /** Exit code when exited. */
  exitCode?: number;
  /** Ready: healthy, running without a healthcheck, or a job that exited 0. */
  ready: boolean;
  /** Failed for good: exited (non-zero, or a non-job), or unhealthy. */
  failed: boolean;
  /** One line for people. */
  detail: string;
}

/** The label that marks a one-shot job. */
export const ONESHOT_LABEL = "lab.oneshot";

const PROJECT_LABEL = "com.docker.compose.project";
const SERVICE_LABEL = "com.docker.compose.service";

/** Judges one service's container; exported for tests. */
export function judgeService(service: ComposeService, details?: ContainerDetails): ServiceState {
  if (!details) {
    return {
      service: service.name,
      status: "missing",
      ready: false,
      failed: false,
      detail: "no container",
    };
  }
  const job = service.labels[ONESHOT_LABEL] === "true";
  const state = details.State;
  const health = state.Health?.Status;
  const base = {
    service: service.name,
    containerId: details.Id,
    status: state.Status,
    health,
    exitCode: state.Status === "exited" ? state.ExitCode : undefined,
  };
  if (state.Status === "exited" || state.Status === "dead") {
    const ok = job && state.ExitCode === 0;
    return {
      ...base,
      ready: ok,
      failed: !ok,
      detail: ok ? "job done (exit 0)" : `exited with code ${state.ExitCode}`,
    };
  }
  if (state.Status !== "running") {
    return { ...base, ready: false, failed: false, detail: state.Status };
  }
  if (job) return { ...base, ready: false, failed: false, detail: "job running" };
  if (service.healthcheck && health) {
    const lastProbe = state.Health?.Log?.at(-1)?.Output?.trim();
    return {
      ...base,
      ready: health === "healthy",
      failed: health === "unhealthy",
      detail: health === "unhealthy" && lastProbe
        ? `running (unhealthy: ${lastProbe.slice(0, 200)})`
        : `running (${health})`,
    };
  }
  return { ...base, ready: true, failed: false, detail: `running, pid ${state.Pid}` };
}

/** A Compose project on one engine. */
export class ComposeProject {
  /** The options it was made with. */
  readonly options: ComposeProjectOptions;
  /** The engine, through dockerode. */
  readonly docker: DockerApi;
  #cli?: ComposeCli;
  #model?: ComposeModel;

  /** Makes the handle; nothing is contacted until a method runs. */
  constructor(options: ComposeProjectOptions) {
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(options.projectName)) {
      throw new Error(
        `project name "${options.projectName}" is not valid for Compose; use lower-case ` +
          "letters, digits, - and _.",
      );
    }
    this.options = options;
    this.docker = connectDocker(options.dockerHost);
    this.#cli = options.cli;
  }

  /** The Compose CLI in use (found on first call). */
  async cli(): Promise<ComposeCli> {
    this.#cli ??= await findComposeCli(this.options.dockerHost);
    return this.#cli;
  }

  /** Runs `compose -p NAME -f FILE ARGS...`; throws with its output on failure. */
  async compose(
    args: string[],
    options: { timeoutMs: number; onLine?: (line: string) => void } = { timeoutMs: 60000 },
  ): Promise<string> {
    const cli = await this.cli();
    const result = await runProgram(
      [...cli.command, "-p", this.options.projectName, "-f", this.options.composeFile, ...args],
      {
        env: { ...this.options.env, DOCKER_HOST: this.options.dockerHost },
        timeoutMs: options.timeoutMs,
        onLine: options.onLine,
      },
    );
    if (result.code !== 0) {
      const output = (result.stderr.trim() || result.stdout.trim()).split("\n").slice(-20)
        .join("\n");
      throw new Error(
        `\`${cli.command.join(" ")} ${args.join(" ")}\` failed (exit ${result.code}) for ` +
          `${this.options.composeFile}:\n${output}`,
      );
    }
    return result.stdout;
  }

  /**
   * The resolved project (`compose config`), read once, with every service, also
   * those under a profile: Compose v2 leaves out services whose profile is not
   * active, so the profiles named in the file are passed when any is missing.
   */
  async model(): Promise<ComposeModel> {
    if (this.#model) return this.#model;
    let model = parseComposeConfig(await this.compose(["config"], { timeoutMs: 30000 }));
    const profiles = await this.#fileProfiles();
    const names = new Set(model.services.flatMap((s) => s.profiles));
    if (profiles.some((p) => !names.has(p))) {
      const args = profiles.flatMap((p) => ["--profile", p]);
      model = parseComposeConfig(await this.compose([...args, "config"], { timeoutMs: 30000 }));
    }
    this.#model = model;
    return model;
  }

  /** The profile names the Compose file's services list. */
  async #fileProfiles(): Promise<string[]> {
    const doc = parseYaml(await Deno.readTextFile(this.options.composeFile), { merge: true }) as {
      services?: Record<string, { profiles?: unknown[] } | null>;
    } | null;
    const all = Object.values(doc?.services ?? {}).flatMap((s) => s?.profiles ?? []);
    return [...new Set(all.map(String))];
  }

  /** The service of that name, or an error listing the services there are. */
  async service(name: string): Promise<ComposeService> {
    const model = await this.model();
    const service = model.services.find((s) => s.name === name);
    if (!service) {
      throw new Error(
        `no service "${name}" in ${this.options.composeFile}; services: ` +
          model.services.map((s) => s.name).join(", "),
      );
    }
    return service;
  }

  /** Containers of this project (all states), as the engine lists them. */
  async containers(timeoutMs = 10000) {
    return await withDeadline(
      "listing containers",
      timeoutMs,
      (signal) =>
        this.docker.listContainers({
          all: true,
          filters: labelFilter(`${PROJECT_LABEL}=${this.options.projectName}`),
          abortSignal: signal,
        }),
    );
  }

  /** The id of a service's container, or `undefined` when it has none. */
  async containerOf(service: string): Promise<string | undefined> {
    const list = await this.containers();
    return list.find((c) => c.Labels[SERVICE_LABEL] === service)?.Id;
  }

  /**
   * Every service's state, in file order. A service under a Compose profile (started
   * only on demand) is left out while it has no container.
   */
  async states(): Promise<ServiceState[]> {
    const model = await this.model();
    const list = await this.containers();
    const has = (name: string) => list.some((c) => c.Labels[SERVICE_LABEL] === name);
    const services = model.services.filter((s) => s.profiles.length === 0 || has(s.name));
    return await Promise.all(services.map(async (service) => {
      const summary = list.find((c) => c.Labels[SERVICE_LABEL] === service.name);
      if (!summary) return judgeService(service);
      try {
        const details = await withDeadline(
          `inspecting ${service.name}`,
          10000,
          (signal) => this.docker.getContainer(summary.Id).inspect({ abortSignal: signal }),
        );
        return judgeService(service, details);
      } catch (error) {
        if (statusCodeOf(error) === 404) return judgeService(service);
        throw error;
      }
    }));
  }

  /**
   * Runs `compose up -d` (bounded by `timeoutMs`) and waits until every service is
   * ready; throws naming the services that failed or were not ready in time.
   */
  async up(options: { timeoutMs?: number; onProgress?: (line: string) => void } = {}) {
    const timeoutMs = options.timeoutMs ?? 300000;
    const started = Date.now();
    await this.compose(["up", "-d", "--remove-orphans"], {
      timeoutMs,
      onLine: options.onProgress,
    });
    const left = Math.max(1000, timeoutMs - (Date.now() - started));
    return await this.waitReady(left, options.onProgress);
  }

  /** Polls the containers until every service is ready, one fails, or time runs out. */
  async waitReady(timeoutMs: number, onProgress?: (line: string) => void): Promise<ServiceState[]> {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    while (true) {
      const states = await this.states();
      const failed = states.filter((s) => s.failed);
      if (failed.length > 0) {
        const details = await Promise.all(failed.map(async (s) => {
          const tail = s.containerId
            ? await containerLogs(this.docker, s.containerId, 15).catch(() => "")
            : "";
          return `- ${s.service}: ${s.detail}${tail ? `\n  last log lines:\n${indent(tail)}` : ""}`;
        }));
        throw new Error(
          `Compose project ${this.options.projectName}: ${failed.length} service(s) failed:\n` +
            details.join("\n"),
        );
      }
      const waiting = states.filter((s) => !s.ready);
      if (waiting.length === 0) return states;
      const line = `waiting for ${waiting.map((s) => `${s.service} (${s.detail})`).join(", ")}`;
      if (line !== last) onProgress?.(line);
      last = line;
      if (Date.now() >= deadline) {
        throw new Error(
          `Compose project ${this.options.projectName}: not ready after ${timeoutMs} ms: ` +
            waiting.map((s) => `${s.service} is ${s.detail}`).join("; ") +
            `. See their logs (docker logs <container>) and raise the timeout if they are ` +
            "still starting.",
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  /** The last `tail` log lines of a service's container. */
  async logs(service: string, tail = 500): Promise<string> {
    await this.service(service);
    const id = await this.containerOf(service);
    if (!id) throw new Error(`service ${service} has no container; is the project up?`);
    return await containerLogs(this.docker, id, tail);
  }

  /** A file's text from inside a service's container, `undefined` if absent. */
  async readFile(service: string, path: string): Promise<string | undefined> {
    await this.service(service);
    const id = await this.containerOf(service);
    if (!id) throw new Error(`service ${service} has no container; is the project up?`);
    return await readContainerFile(this.docker, id, path);
  }

  /** Stops one service's container, waiting up to `graceSeconds` before it is killed. */
  async stopService(service: string, graceSeconds = 60): Promise<void> {
    await this.service(service);
    const id = await this.containerOf(service);
    if (!id) throw new Error(`service ${service} has no container to stop; is the project up?`);
    await withDeadline(`stopping ${service}`, (graceSeconds + 15) * 1000, async (signal) => {
      try {
        await this.docker.getContainer(id).stop({ t: graceSeconds, abortSignal: signal });
      } catch (error) {
        if (statusCodeOf(error) !== 304) throw error; // 304: already stopped
      }
    });
  }

  /** Starts one service's stopped container and waits until it is ready again. */
  async startService(service: string, timeoutMs = 180000): Promise<ServiceState> {
    const definition = await this.service(service);
    const id = await this.containerOf(service);
    if (!id) throw new Error(`service ${service} has no container to start; run up first.`);
    await withDeadline(`starting ${service}`, 30000, async (signal) => {
      try {
        await this.docker.getContainer(id).start({ abortSignal: signal });
      } catch (error) {
        if (statusCodeOf(error) !== 304) throw error; // 304: already running
      }
    });
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const details = await this.docker.getContainer(id).inspect();
      const state = judgeService(definition, details);
      if (state.ready) return state;
      if (state.failed) throw new Error(`service ${service} did not come back: ${state.detail}`);
      if (Date.now() >= deadline) {
        throw new Error(
          `service ${service} not ready ${timeoutMs} ms after start: ${state.detail}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /**
   * `compose down` (with `-v` when `removeData`), then removes through the engine
   * whatever of the project is still there, so a failed CLI run leaves nothing
   * behind. Safe to call when nothing is up.
   */
  async down(options: { removeData?: boolean; timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 180000;
    // No --timeout: each service's stop_grace_period applies (a minute for AutoMQ
    // nodes, which upload their WAL on a graceful stop).
    const args = ["down", "--remove-orphans"];
    if (options.removeData) args.push("--volumes");
    let cliError: unknown;
    try {
      await this.compose(args, { timeoutMs });
    } catch (error) {
      cliError = error;
    }
    await this.sweep(options.removeData ?? false);
    const left = await this.leftovers(options.removeData ?? false);
    if (left.length > 0) {
      throw new Error(
        `Compose project ${this.options.projectName} could not be removed completely; still ` +
          `there: ${left.join(", ")}` +
          (cliError instanceof Error ? `\n(compose down said: ${cliError.message})` : ""),
      );
    }
  }

  /** Force-removes the project's containers, networks and (optionally) volumes. */
  async sweep(removeVolumes: boolean): Promise<void> {
    const filter = labelFilter(`${PROJECT_LABEL}=${this.options.projectName}`);
    for (const c of await this.containers()) {
      await this.docker.getContainer(c.Id).remove({ force: true, v: true }).catch((error) => {
        if (statusCodeOf(error) !== 404) throw error;
      });
    }
    const networks = await this.docker.listNetworks({ filters: filter });
    for (const n of networks) {
      await this.docker.getNetwork(n.Id).remove().catch((error) => {
        if (statusCodeOf(error) !== 404) throw new Error(engineMessage(error));
      });
    }
    if (removeVolumes) {
      const volumes = (await this.docker.listVolumes({ filters: filter })).Volumes ?? [];
      for (const v of volumes) {
        await this.docker.getVolume(v.Name).remove().catch((error) => {
          if (statusCodeOf(error) !== 404) throw new Error(engineMessage(error));
        });
      }
    }
  }

  /** Names of the project's containers, networks and (optionally) volumes still present. */
  async leftovers(includeVolumes: boolean): Promise<string[]> {
    const filter = labelFilter(`${PROJECT_LABEL}=${this.options.projectName}`);
    const names = (await this.containers()).map((c) => `container ${c.Names[0] ?? c.Id}`);
    for (const n of await this.docker.listNetworks({ filters: filter })) {
      names.push(`network ${n.Name}`);
    }
    if (includeVolumes) {
      for (const v of (await this.docker.listVolumes({ filters: filter })).Volumes ?? []) {
        names.push(`volume ${v.Name}`);
      }
    }
    return names;
  }
}

function indent(text: string): string {
  return text.trimEnd().split("\n").map((line) => `    ${line}`).join("\n");
}
