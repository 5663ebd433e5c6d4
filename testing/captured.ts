/**
 * Real auto-balancer logs of an AutoMQ 1.7.3 cluster (three combined broker+controller
 * nodes, node 0 the active controller throughout, `kafka.autobalancer` at DEBUG), captured
 * by the team on 2026-12-06/07 and kept gzipped in `lib/balancer/testdata/automq-1.7.3/`
 * (see its README). Tests read them with {@linkcode capturedLog}.
 *
 * ```ts ignore
 * const text = await capturedLog(0); // node 0's auto-balancer.log, 6,666 lines
 * ```
 *
 * @module
 */

const DIR = new URL("../lib/balancer/testdata/automq-1.7.3/", import.meta.url);

/** Node `node`'s whole `auto-balancer.log` (0: the active controller; 1, 2: standbys). */
export async function capturedLog(node: 0 | 1 | 2): Promise<string> {
  const file = await Deno.open(new URL(`node${node}-auto-balancer.log.gz`, DIR));
  const stream = file.readable.pipeThrough(new DecompressionStream("gzip"))
    .pipeThrough(new TextDecoderStream());
  let text = "";
  for await (const chunk of stream) text += chunk;
  return text;
}
