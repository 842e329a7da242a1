export type { SandboxConsoleOptions } from './console-options.js';
export { type SandboxConsole, startSandboxConsole } from './start-sandbox-console.js';
