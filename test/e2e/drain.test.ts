import { nodeMaintenanceSuite } from './support/node-maintenance.js';

nodeMaintenanceSuite('node maintenance from Slack');
