/**
 * Where ONNX Runtime places the nodes of a model on an execution provider, read from its verbose log
 * (logSeverityLevel 0: "Node(s) placed on [XExecutionProvider]" blocks and one "Add MemcpyToHost/FromHost" line per
 * copy it inserts) and from the optimized model it saves. The session is created in a child process because ORT writes
 * that log from native code straight to the process's stdout.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sessionOptions, type ExecutionProviderName } from '../providers';
import { int64Values, readGraph } from './onnx-graph-reader';

export interface PlacedNode {
  opType: string;
  name: string;
}

export interface Placement {
  /** Nodes per provider, as ORT lists them ("CPUExecutionProvider", "WebGpuExecutionProvider", …). */
  byProvider: Map<string, PlacedNode[]>;
  /** Every Memcpy ORT inserted, as its log line says ("MemcpyFromHost after X"). */
  memcpy: string[];
  /** CPU nodes with an output that is not int64 shape arithmetic (in the optimized model ORT ran). */
  cpuFloatNodes: PlacedNode[];
  log: string;
}

const CHILD = `
const ort = require('onnxruntime-node');
const [model, options] = process.argv.slice(1);
ort.InferenceSession.create(model, JSON.parse(options)).then(
  (s) => s.release().then(() => process.stdout.write('\\nfedstroke-placement: created\\n')),
  (e) => { process.stderr.write('fedstroke-placement: ' + e.message + '\\n'); process.exit(1); },
);`;

function runChild(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    // cwd: the repository root, so that the child resolves onnxruntime-node like the runtime does.
    const child = spawn(process.execPath, ['-e', CHILD, ...args], { cwd: resolve(__dirname, '../../../..') });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code, output }));
  });
}

export function parsePlacement(log: string): Pick<Placement, 'byProvider' | 'memcpy'> {
  const byProvider = new Map<string, PlacedNode[]>();
  let current: PlacedNode[] | undefined;
  const memcpy: string[] = [];
  for (const line of log.split('\n')) {
    const header = /Node\(s\) placed on \[(\w+)\]/.exec(line);
    if (header) {
      current = [];
      byProvider.set(header[1], current);
      continue;
    }
    const copy = /Add (Memcpy\w+ (?:before|after) \S+)/.exec(line);
    if (copy) memcpy.push(copy[1]);
    const node = /VerifyEachNodeIsAssignedToAnEp\]\s{3,}(\w+) \((.*)\)\s*$/.exec(line);
    if (node && current) current.push({ opType: node[1], name: node[2] });
    else if (current && !/VerifyEachNodeIsAssignedToAnEp/.test(line)) current = undefined;
  }
  return { byProvider, memcpy };
}

/** Creates a session for `model` on `provider` (the runtime's session options, ORT's verbose log) and reads it. */
export async function placementOf(model: string, provider: ExecutionProviderName): Promise<Placement> {
  const dir = await mkdtemp(join(tmpdir(), 'fedstroke-placement-'));
  try {
    const optimized = join(dir, 'optimized.onnx');
    const options = { ...sessionOptions(provider, { intraOpNumThreads: 1, logSeverityLevel: 0 }) };
    const { code, output } = await runChild([
      resolve(model),
      JSON.stringify({ ...options, optimizedModelFilePath: optimized }),
    ]);
    if (code !== 0 || !output.includes('fedstroke-placement: created')) {
      const reason = output.split('\n').find((l) => l.startsWith('fedstroke-placement:')) ?? output.slice(-500);
      throw new Error(`could not create a ${provider} session for ${model}: ${reason}`);
    }
    const { byProvider, memcpy } = parsePlacement(output);
    const graph = readGraph(await readFile(optimized));
    const int64 = int64Values(graph);
    const byName = new Map(graph.nodes.map((n) => [n.name, n]));
    const cpuFloatNodes = (byProvider.get('CPUExecutionProvider') ?? []).filter((placed) => {
      const node = byName.get(placed.name);
      return !node || node.outputs.some((o) => o && !int64.has(o));
    });
    return { byProvider, memcpy, cpuFloatNodes, log: output };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
