// The server schema as text, bundled by Vite (?raw) for both the worker and Node.
import schema from './schema.sql?raw';

export const SCHEMA_SQL: string = schema;
