// The one barrel for the schema: drizzle-kit reads it, and the db client is typed by it.
export * from './agreements';
export * from './api-calls';
export * from './audit';
export * from './customers';
export * from './merchant-settings';
export * from './staff';
export * from './payments';
export * from './notifications';
export * from './reconciliation';
export * from './customs';
export * from './merchant-api';
export * from './schedules';
