import type { Command } from 'commander';

/** Every CLI command, one file each. Add a command by adding its register function here. */
export const commands: Array<(program: Command) => void> = [];
