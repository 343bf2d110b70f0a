/**
 * The simulation report: SVG charts (learning curves, histograms), PNG overlays of MRI slices with mask contours,
 * the terminal summary table and the self-contained report.html. Pure functions from data to strings and bytes;
 * the caller writes the files.
 */
export * from './run-report';
export * from './privacy-reference';
export * from './case-selection';
export * from './summary-table';
export * from './svg/scale';
export * from './svg/escape';
export * from './svg/palette';
export * from './svg/line-chart';
export * from './svg/histogram';
export * from './png/slices';
export * from './png/overlay';
export * from './html/report-charts';
export * from './html/report-html';
export * from './quality/study-quality';
export * from './quality/paired-comparison';
export * from './svg/scatter-chart';
export * from './html/html-table';
export * from './html/quality-section';
export * from './svg/side-by-side';
export * from './svg/chart-frame';
