export * from './report-fixture';
