import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { diagnoseWebGpuAdapter, probeVulkan } from './webgpu-diagnosis';

describe('why WebGPU found no adapter', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'fedstroke-vulkan-'));
    await mkdir(join(root, 'lib'));
    await mkdir(join(root, 'icd.d'));
    await writeFile(join(root, 'lib', 'libvulkan.so.1'), '');
    await writeFile(join(root, 'icd.d', 'lvp_icd.json'), '{}');
  });
  afterAll(() => rm(root, { recursive: true, force: true }));
  const system = () => ({ libraryDirs: [join(root, 'lib')], icdDirs: [join(root, 'icd.d')] });
  const none = { libraryDirs: [], icdDirs: [] };

  it('names a missing Vulkan loader', () => {
    const probe = probeVulkan({}, none);
    expect(probe.loader).toBeUndefined();
    expect(diagnoseWebGpuAdapter(probe)).toMatch(/^no Vulkan loader: libvulkan\.so\.1 is in neither LD_LIBRARY_PATH/);
    expect(probeVulkan({ LD_LIBRARY_PATH: join(root, 'lib') }, none).loader).toBe(join(root, 'lib', 'libvulkan.so.1'));
  });

  it('names a missing driver, and the variable that chose where to look', () => {
    const probe = probeVulkan({ VK_DRIVER_FILES: join(root, 'nvidia_icd.json') }, system());
    expect(probe.icds).toEqual([]);
    expect(diagnoseWebGpuAdapter(probe)).toContain(`no Vulkan driver: no ICD manifest in VK_DRIVER_FILES=${root}`);
    expect(diagnoseWebGpuAdapter(probeVulkan({}, { ...system(), icdDirs: [] }))).toMatch(/^no Vulkan driver/);
  });

  it('lists loader and drivers when they are there but gave no adapter', () => {
    const probe = probeVulkan({}, system());
    expect(probe.icds).toEqual([join(root, 'icd.d', 'lvp_icd.json')]);
    expect(diagnoseWebGpuAdapter(probe)).toMatch(/lvp_icd\.json\) gave no adapter Dawn accepts/);
  });

  // Real ONNX Runtime (the built CLI) with the loader told to use a driver that does not exist.
  const cli = (extra: string[]) =>
    spawnSync(
      process.execPath,
      [
        'bin/fedstroke.js',
        'bench',
        'infer',
        '--config',
        'tiny',
        '--volume',
        '8',
        '8',
        '8',
        '--steps',
        '1',
        '--warmup',
        '0',
        '--threads',
        '1',
        '--provider',
        'webgpu',
        '--json',
        ...extra,
      ],
      {
        cwd: resolve(__dirname, '../../..'),
        env: { ...process.env, VK_DRIVER_FILES: '/nonexistent/nvidia_icd.json' },
        encoding: 'utf8',
        timeout: 120_000,
      },
    );

  it('fails a strict session with the cause, and falls back to cpu with one line otherwise', () => {
    const strict = cli(['--strict']);
    expect(strict.status).not.toBe(0);
    // Under --json the CLI answers errors as JSON on stdout, with a stable code.
    const { error } = JSON.parse(strict.stdout) as { error: { code: string; message: string } };
    expect(error.code).toBe('EXECUTION_PROVIDER');
    expect(error.message).toContain(
      'execution provider "webgpu" failed to start for onnx-models/tiny/webgpu/inference_model.onnx (strict, no fallback): no Vulkan driver: no ICD manifest in VK_DRIVER_FILES=/nonexistent/nvidia_icd.json',
    );
    const fallback = cli([]);
    expect(fallback.status).toBe(0);
    const lines = fallback.stderr.split('\n').filter((l) => l.startsWith('fedstroke: execution provider'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^fedstroke: execution provider "webgpu" unavailable \(no Vulkan driver: .*\); falling back to cpu$/,
    );
    expect(JSON.parse(fallback.stdout).fedstroke.provider).toBe('cpu');
  });
});
