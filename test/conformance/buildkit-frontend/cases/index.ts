// Every ported BuildKit frontend case, one table per Go test file.
import type { FrontendCase } from '../case.js';
import { mountCases } from './mount.js';

export const allCases: FrontendCase[] = [
  ...mountCases,
];
