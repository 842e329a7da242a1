import { AGE_COLUMN, column, type KindPrinter, list, NAME_COLUMN, record, str } from './column.js';
import { ageOf } from './human-duration.js';

function conditionOf(object: unknown, type: string): Record<string, unknown> | undefined {
  return list(record(object).conditions)
    .map(record)
    .find((condition) => condition.type === type);
}

/** `kubectl get componentstatuses` (printers.go `printComponentStatus`): the Healthy condition's verdict. */
export const componentStatusPrinter: KindPrinter = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'Status of the component conditions'),
    column('Message', 'string', 'Message of the component conditions'),
    column('Error', 'string', 'Error of the component conditions'),
  ],
  cells: (object) => {
    const healthy = conditionOf(object, 'Healthy');
    return [
      object.metadata.name ?? '',
      healthy?.status === 'True' ? 'Healthy' : 'Unhealthy',
      str(healthy?.message),
      str(healthy?.error),
    ];
  },
};

/** `kubectl get apiservices` (kube-aggregator's table convertor): Local or the service, and availability. */
export const apiServicePrinter: KindPrinter = {
  columns: [
    NAME_COLUMN,
    column('Service', 'string', 'The reference to the service that hosts this API endpoint.'),
    column('Available', 'string', 'Whether this service is available.'),
    AGE_COLUMN,
  ],
  cells: (object, now) => {
    const service = record(record(object.spec).service);
    const available = conditionOf(object.status, 'Available');
    const status = str(available?.status, 'Unknown');
    return [
      object.metadata.name ?? '',
      service.name === undefined ? 'Local' : `${str(service.namespace)}/${str(service.name)}`,
      status === 'True' || !available?.reason ? status : `${status} (${str(available.reason)})`,
      ageOf(object.metadata.creationTimestamp, now),
    ];
  },
};
