import { renderCsv } from './csv';
import type { ReportData } from './data';
import { renderHtml } from './html';
import { renderJson } from './json';
import { renderJunit } from './junit';
import { renderMarkdown } from './markdown';

/** One renderer per format, registered here; adding a format is a file and a line. */
export const reportFormats: Record<string, { render: (data: ReportData) => string; extension: string }> = {
  html: { render: renderHtml, extension: 'html' },
  md: { render: renderMarkdown, extension: 'md' },
  csv: { render: renderCsv, extension: 'csv' },
  json: { render: renderJson, extension: 'json' },
  junit: { render: renderJunit, extension: 'xml' },
};
