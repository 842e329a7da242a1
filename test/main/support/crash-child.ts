import { installCrashHandlers } from '../../../src/main/crash-handlers.js';
import { createLogger } from '../../../src/main/logger.js';

// A process with bosun's crash handlers that then leaves an error unhandled, as process.argv[2] says.
installCrashHandlers(createLogger('info', 'bosun-crash-test'));
const how = process.argv[2];
setTimeout(() => {
  if (how === 'rejection') void Promise.reject(new Error('nobody awaited this'));
  else throw new Error('nobody caught this');
}, 10);
setTimeout(() => console.log('still running'), 2000);
