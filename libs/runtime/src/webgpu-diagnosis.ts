/**
 * Why ONNX Runtime's WebGPU provider found no adapter. Dawn runs over Vulkan, so an adapter needs the Vulkan loader
 * (libvulkan.so.1) and at least one driver (an ICD manifest: NVIDIA's, or Mesa's lavapipe on a CPU machine). ORT only
 * says "Failed to get a WebGPU adapter"; this names the missing piece.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What is on this machine: the loader's path (if any), the ICD manifests found and where they were looked for. */
export interface VulkanProbe {
  loader?: string;
  icds: string[];
  icdSearchPath: string[];
  /** The variable that chose the ICDs, when one did (VK_DRIVER_FILES or its older name VK_ICD_FILENAMES). */
  icdVariable?: string;
}

const LIBRARY_DIRS = ['/usr/lib/x86_64-linux-gnu', '/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib'];
const ICD_DIRS = ['/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d', '/usr/share/vulkan/icd.d'];

const jsonFilesIn = (dir: string): string[] => {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
};

/**
 * Looks for the loader in LD_LIBRARY_PATH and the system library folders, and for ICD manifests as the loader does
 * (VK_DRIVER_FILES / VK_ICD_FILENAMES when set, else the XDG data folders and the system icd.d folders).
 */
export function probeVulkan(
  env: NodeJS.ProcessEnv = process.env,
  system: { libraryDirs: readonly string[]; icdDirs: readonly string[] } = {
    libraryDirs: LIBRARY_DIRS,
    icdDirs: ICD_DIRS,
  },
): VulkanProbe {
  const libraryDirs = [...(env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), ...system.libraryDirs];
  const loader = libraryDirs.map((dir) => join(dir, 'libvulkan.so.1')).find((path) => existsSync(path));
  const icdVariable = env.VK_DRIVER_FILES ? 'VK_DRIVER_FILES' : env.VK_ICD_FILENAMES ? 'VK_ICD_FILENAMES' : undefined;
  const icdSearchPath = icdVariable
    ? (env[icdVariable] as string).split(':').filter(Boolean)
    : [
        ...(env.XDG_DATA_DIRS ?? '')
          .split(':')
          .filter(Boolean)
          .map((d) => join(d, 'vulkan/icd.d')),
        ...system.icdDirs,
      ];
  const icds = icdSearchPath.flatMap((path) => {
    if (!existsSync(path)) return [];
    return statSync(path).isDirectory() ? jsonFilesIn(path) : [path];
  });
  return { loader, icds, icdSearchPath, icdVariable };
}

/** One sentence naming the cause, for the error or the fallback line. */
export function diagnoseWebGpuAdapter(probe: VulkanProbe): string {
  if (!probe.loader) {
    return (
      'no Vulkan loader: libvulkan.so.1 is in neither LD_LIBRARY_PATH nor the system library folders ' +
      '(install libvulkan1; a machine without network can carry its .deb, see gpu/README.md)'
    );
  }
  if (probe.icds.length === 0) {
    const where = probe.icdVariable
      ? `${probe.icdVariable}=${probe.icdSearchPath.join(':')}`
      : probe.icdSearchPath.join(', ');
    return (
      `no Vulkan driver: no ICD manifest in ${where} (install the GPU's Vulkan driver, e.g. point VK_DRIVER_FILES at ` +
      '/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json, or Mesa lavapipe 25.x (mesa-vulkan-drivers from ' +
      'bookworm-backports) for software Vulkan)'
    );
  }
  return (
    `the Vulkan loader (${probe.loader}) and drivers (${probe.icds.join(', ')}) gave no adapter Dawn accepts: ` +
    'a driver too old for Dawn (lavapipe before Mesa 25) or a GPU its driver does not see; check `vulkaninfo --summary`'
  );
}

/** ORT's error text when Dawn found no adapter. */
export const isMissingAdapter = (reason: string): boolean => /WebGPU adapter/i.test(reason);
